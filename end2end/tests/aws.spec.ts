import { expect, test, type APIRequestContext } from "./fixtures";
import { seedCluster } from "../aws/servers";
import { githubBaseURL } from "../github/servers";
import { waitForHydration } from "./hydration";
import { signIn } from "./session";

test("an admin edits a secret, sees it masked, and reveals one key", async ({ page }) => {
  await signIn(page);
  await page.goto("/secrets");
  await waitForHydration(page);
  const card = page.getByTestId("secret-staging-cluster");
  await expect(card).toContainText("does not exist");
  await card.getByRole("button", { name: "Create" }).click();
  const form = card.getByTestId("secret-form");
  // The form checks as it is typed, with the server's rules.
  await form.getByLabel("FaucetKey").fill(" ");
  await expect(form).toContainText("FaucetKey must not be empty");
  await form.getByLabel("FaucetKey").fill("e2e-faucet-value");
  await form.getByLabel("CommitteeSecret").fill("e2e-committee-value");
  await form.getByRole("button", { name: "Save a new version" }).click();

  await expect(card).toContainText("exists");
  await expect(card.getByTestId("key-CommitteeSecret").getByTestId("key-status")).toHaveText("••••••••");
  await expect(card.getByTestId("key-FaucetKey").getByTestId("key-status")).toHaveText("••••••••");
  await expect(card).toContainText("Versions (1)");
  await expect(card).toContainText("by local:admin");
  // Never part of a page, rendered or hydrated.
  await page.reload();
  await waitForHydration(page);
  const html = await page.content();
  expect(html).not.toContain("e2e-faucet-value");
  expect(html).not.toContain("e2e-committee-value");

  const faucet = page.getByTestId("secret-staging-cluster").getByTestId("key-FaucetKey");
  await faucet.getByRole("button", { name: "Reveal" }).click();
  await expect(faucet.getByTestId("revealed")).toHaveText("e2e-faucet-value");
  await faucet.getByRole("button", { name: "Hide" }).click();
  await expect(faucet.getByTestId("revealed")).toHaveCount(0);
  // One key at a time: the other stays masked.
  await expect(page.getByText("e2e-committee-value")).toHaveCount(0);
});

/** A signed-in request context on the local-mode nixdeck (an admin). */
async function admin(request: APIRequestContext): Promise<{ origin: string }> {
  const response = await request.post("/auth/local", { form: { next: "/" }, maxRedirects: 0 });
  expect(response.status()).toBe(303);
  return { origin: new URL(test.info().project.use.baseURL ?? "").origin };
}

test("a viewer sees which keys are set and cannot reveal or change them", async ({ page, request }) => {
  // An admin makes the production Buildkite secret (both nixdecks under test share one AWS).
  const { origin } = await admin(request);
  const made = await request.patch("/api/v1/secrets/production/buildkite", {
    data: { values: { AgentToken: "e2e-agent-token" }, base_version: null },
    headers: { origin },
  });
  expect([200, 409]).toContain(made.status());

  await page.goto(`${githubBaseURL}/signin`);
  await page.getByRole("link", { name: "Sign in with GitHub" }).click();
  await page.getByRole("button", { name: "Sign in as vera" }).click();
  await expect(page.getByTestId("account")).toContainText("viewer");
  await page.goto(`${githubBaseURL}/secrets`);
  await waitForHydration(page);
  const card = page.getByTestId("secret-production-buildkite");
  await expect(card.getByTestId("key-AgentToken").getByTestId("key-status")).toHaveText("••••••••");
  await expect(card.getByTestId("key-APIAccessToken").getByTestId("key-status")).toHaveText("missing");
  await expect(page.getByRole("button", { name: "Reveal" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Edit keys|Create|Generate/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Make current" })).toHaveCount(0);
  // And the server refuses what the page does not offer.
  const refused = await page.request.post(`${githubBaseURL}/api/v1/secrets/production/buildkite/reveal`, {
    data: { key: "AgentToken" },
    headers: { origin: githubBaseURL },
  });
  expect(refused.status()).toBe(403);
});

test("a cluster page shows its machines, DNS records and health", async ({ page, request }) => {
  test.setTimeout(90_000);
  const { origin } = await admin(request);
  seedCluster("e2e-aws", "e2e-aws.example.org", "example.org.", "witness2");
  const created = await request.post("/api/v1/clusters", {
    data: { name: "e2e-aws", cluster_index: 24, env: "staging", domain: "e2e-aws.example.org", dns_zone: "example.org." },
    headers: { origin },
  });
  expect(created.status()).toBe(201);
  const started = await request.post("/api/v1/clusters/e2e-aws/deploys", { headers: { origin } });
  expect(started.status()).toBe(202);
  const { job_id: id } = await started.json();
  await expect
    .poll(async () => (await (await request.get(`/api/v1/jobs/${id}`)).json()).state, { timeout: 60_000 })
    .toBe("succeeded");

  await signIn(page);
  await page.goto("/clusters/e2e-aws");
  const aws = page.getByTestId("on-aws");
  await expect(aws.locator("[data-testid^=machine-]")).toHaveCount(7);
  await expect(aws.getByTestId("machine-witness0")).toContainText("running");
  await expect(aws.getByTestId("machine-witness0")).toContainText("t2.medium");
  await expect(aws.getByTestId("dns-witness2.e2e-aws.example.org").getByTestId("dns-status")).toHaveText("stale");
  await expect(aws.getByTestId("dns-faucet.e2e-aws.example.org").getByTestId("dns-status")).toHaveText("ok");
  await expect(aws.getByTestId("cluster-health")).toHaveText("degraded");
  await expect(aws.getByTestId("health-reasons")).toContainText("stale DNS records: witness2.e2e-aws.example.org");

  await page.goto("/clusters");
  const row = page.getByRole("row").filter({ hasText: "e2e-aws" });
  await expect(row.getByTestId("cluster-health")).toHaveText("degraded");
});
