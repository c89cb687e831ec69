import { expect, test } from "./fixtures";
import { waitForHydration } from "./hydration";
import { standInControls } from "../deployer/local";
import { signIn } from "./session";

test("an admin creates a cluster, deploys it watching the log, and redeploys from history", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await page.goto("/clusters");
  await waitForHydration(page);
  await page.getByRole("link", { name: "New cluster" }).click();
  await expect(page).toHaveURL(/\/clusters\/new$/);
  await waitForHydration(page);

  // The form checks as you type, with the same rules as the server.
  await page.getByLabel("Name").fill("E2E;rm");
  await expect(page.getByTestId("form-check")).toContainText("name:");
  await page.getByLabel("Name").fill("e2e-alpha");
  await expect(page.getByTestId("subnets")).toContainText("10.1.11.0/24");
  await page.getByLabel("Domain").fill("e2e-alpha.example.com");
  await expect(page.getByTestId("form-check")).toContainText("domain:");
  await page.getByLabel("Domain").fill("e2e-alpha.disciplina.io");
  await expect(page.getByTestId("form-check")).toContainText("Ready");
  await page.getByRole("button", { name: "Create cluster" }).click();

  await expect(page).toHaveURL(/\/clusters\/e2e-alpha$/);
  await expect(page.getByTestId("cluster-state")).toHaveText("new");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Create and deploy" }).click();

  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]+$/);
  const log = page.getByTestId("job-log");
  // Lines arrive while the job runs...
  await expect(log).toContainText("▶ deploy pass 1 (network, keys, DNS)", { timeout: 30_000 });
  await expect(page.getByTestId("job-state")).toHaveText(/running|succeeded/);
  // ...until it succeeds, every step done.
  await expect(page.getByTestId("job-state")).toHaveText("succeeded", { timeout: 60_000 });
  await expect(log).toContainText("job succeeded");
  await expect(page.getByTestId("progress")).toHaveText("8 of 8 steps");
  await expect(log.locator("[data-stream=stderr]").first()).toBeVisible();

  await page.getByRole("link", { name: "e2e-alpha" }).click();
  await expect(page.getByTestId("cluster-state")).toHaveText("deployed");
  await waitForHydration(page);
  const history = page.getByTestId("history-row");
  await expect(history).toHaveCount(1);
  await history.first().getByRole("button", { name: "Redeploy" }).click();

  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]+$/);
  await expect(page.getByText("an earlier deploy")).toBeVisible();
  await expect(page.getByTestId("job-state")).toHaveText("succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("step")).toHaveCount(6);
});

test("a finished job's page reads without JavaScript; the API drives the same jobs", async ({ browser }) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page);
  // Same-origin requests, as the dashboard's own pages make them.
  const origin = new URL(test.info().project.use.baseURL ?? "").origin;
  const created = await page.request.post("/api/v1/clusters", {
    data: { name: "e2e-beta", cluster_index: 12, env: "staging", domain: "e2e-beta.disciplina.io", dns_zone: "disciplina.io." },
    headers: { origin },
  });
  expect(created.status()).toBe(201);
  const started = await page.request.post("/api/v1/clusters/e2e-beta/deploys", { headers: { origin } });
  expect(started.status()).toBe(202);
  const { job_id: id } = await started.json();
  await expect
    .poll(async () => (await (await page.request.get(`/api/v1/jobs/${id}`)).json()).state, { timeout: 60_000 })
    .toBe("succeeded");
  await page.goto(`/jobs/${id}`);
  await expect(page.getByTestId("job-state")).toHaveText("succeeded");
  await expect(page.getByTestId("job-log")).toContainText("job succeeded");
  const text = await (await page.request.get(`/api/v1/jobs/${id}/log`)).text();
  expect(text).toContain("▶ deploy pass 3 (machines)");
  await context.close();
});

test("a long job's page opens on its newest lines and shows earlier ones on demand", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page);
  const origin = new URL(test.info().project.use.baseURL ?? "").origin;
  // Each of the create's three deploy passes builds with 1,500 lines of output.
  standInControls("e2e-long", { LINES: "1500" });
  const created = await page.request.post("/api/v1/clusters", {
    data: { name: "e2e-long", cluster_index: 13, env: "staging", domain: "e2e-long.disciplina.io" },
    headers: { origin },
  });
  expect(created.status()).toBe(201);
  const started = await page.request.post("/api/v1/clusters/e2e-long/deploys", { headers: { origin } });
  expect(started.status()).toBe(202);
  const { job_id: id } = await started.json();
  await expect
    .poll(async () => (await (await page.request.get(`/api/v1/jobs/${id}`)).json()).state, { timeout: 60_000 })
    .toBe("succeeded");
  const whole = (await (await page.request.get(`/api/v1/jobs/${id}/log`)).text()).trimEnd().split("\n");
  expect(whole.length).toBeGreaterThan(4500);

  await page.goto(`/jobs/${id}`);
  await waitForHydration(page);
  const lines = page.getByTestId("job-log").locator("[data-seq]");
  // The newest thousand lines, ending with the job's end.
  await expect(lines).toHaveCount(1000);
  await expect(lines.last()).toContainText("job succeeded");
  await expect(lines.first()).toHaveAttribute("data-seq", String(whole.length - 999));

  const earlier = page.getByRole("button", { name: "Show earlier lines" });
  await earlier.click();
  await expect(lines).toHaveCount(2000);
  await expect(lines.first()).toHaveAttribute("data-seq", String(whole.length - 1999));
  while (await earlier.isVisible()) {
    const shown = await lines.count();
    await earlier.click();
    await expect(lines).not.toHaveCount(shown);
  }
  await expect(lines).toHaveCount(whole.length);
  await expect(lines.first()).toHaveAttribute("data-seq", "1");
  await expect(page.getByRole("link", { name: "Whole log as text" })).toHaveAttribute("href", `/api/v1/jobs/${id}/log`);
});
