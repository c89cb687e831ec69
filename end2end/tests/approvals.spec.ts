import { expect, test, type Browser, type BrowserContext, type Page } from "./fixtures";
import { githubBaseURL } from "../github/servers";
import { waitForHydration } from "./hydration";

// The two-person rule, on the nixdeck that signs people in with GitHub (two admins there:
// alice and ada), each in a browser context of their own.
test.use({ baseURL: githubBaseURL });

async function signedIn(
  browser: Browser,
  login: string,
  watchPanics: (context: BrowserContext) => void,
): Promise<Page> {
  const context = await browser.newContext({ baseURL: githubBaseURL });
  watchPanics(context);
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByRole("link", { name: "Sign in with GitHub" }).click();
  await page.getByRole("button", { name: `Sign in as ${login}` }).click();
  await expect(page.getByTestId("account")).toContainText("admin");
  return page;
}

test("a production deploy asked by one admin waits until another approves it, then runs", async ({ browser, watchPanics }) => {
  test.setTimeout(120_000);
  const alice = await signedIn(browser, "alice", watchPanics);
  const origin = new URL(githubBaseURL).origin;
  const created = await alice.request.post("/api/v1/clusters", {
    data: { name: "e2e-prod", cluster_index: 5, env: "production" },
    headers: { origin },
  });
  expect(created.status()).toBe(201);
  const started = await alice.request.post("/api/v1/clusters/e2e-prod/deploys", { headers: { origin } });
  expect(started.status()).toBe(202);
  const { job_id: id } = await started.json();

  // Alice sees it wait, and may not approve it herself: not on the page, not by the API.
  await alice.goto(`/jobs/${id}`);
  await waitForHydration(alice);
  await expect(alice.getByTestId("job-state")).toHaveText("awaiting_approval");
  await expect(alice.getByTestId("approval-own")).toBeVisible();
  await expect(alice.getByRole("button", { name: "Approve" })).toHaveCount(0);
  const refused = await alice.request.post(`/api/v1/jobs/${id}/approve`, { headers: { origin } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error).toContain("another admin");

  // Ada finds it on the home page, and approves it on its page.
  const ada = await signedIn(browser, "ada", watchPanics);
  await ada.goto("/");
  const row = ada.getByTestId("approval-row").filter({ hasText: "e2e-prod" });
  await expect(row).toContainText("github:alice");
  await row.getByRole("link", { name: "create" }).click();
  await expect(ada).toHaveURL(new RegExp(`/jobs/${id}$`));
  await waitForHydration(ada);
  await ada.getByRole("textbox", { name: "Comment (optional)" }).fill("looks right");
  await ada.getByRole("button", { name: "Approve" }).click();
  await expect(ada.getByTestId("approval-decision")).toContainText("Approved by github:ada");
  await expect(ada.getByTestId("approval-decision")).toContainText("looks right");

  // It runs, and ends, as any job.
  await expect
    .poll(async () => (await (await ada.request.get(`/api/v1/jobs/${id}`)).json()).state, { timeout: 90_000 })
    .toBe("succeeded");
  await alice.reload();
  await expect(alice.getByTestId("job-state")).toHaveText("succeeded");
  await expect(alice.getByTestId("approval-decision")).toContainText("Approved by github:ada");
  await alice.context().close();
  await ada.context().close();
});
