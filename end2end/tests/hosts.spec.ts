import { expect, test } from "./fixtures";
import { builderCalls, builderControls, builderDir } from "../builder/sshd";
import { waitForHydration } from "./hydration";
import { signIn } from "./session";

// Both tests shape or count what the one shared builder is asked.
test.describe.configure({ mode: "serial" });

test("the Builder page shows the builder and runs a rebuild with a live log", async ({ page }) => {
  test.setTimeout(90_000);
  // The rebuild takes a few seconds, so its log arrives while it runs.
  builderControls(builderDir(), { SLEEP: "3" });
  await signIn(page);
  await page.goto("/builder");
  await waitForHydration(page);
  const status = page.getByTestId("builder-status");
  if ((await status.textContent()) !== "reachable") {
    await page.getByRole("button", { name: "Probe now" }).click();
  }
  await expect(status).toHaveText("reachable", { timeout: 30_000 });
  const facts = page.getByTestId("builder-facts");
  await expect(facts).toContainText("14.5");
  await expect(facts).toContainText("2.18.1");
  await expect(page.getByTestId("builder-agent")).toContainText("running · 3.59.0 · system=x86_64-darwin");
  await expect(page.getByTestId("builder-channels")).toContainText("disciplina-nixops");
  await expect(page.getByTestId("reachability").locator("[data-state=reachable]").first()).toBeVisible();

  const switches = () => builderCalls(builderDir()).filter((call) => call.argv.join(" ") === "switch").length;
  const before = switches();
  await page.getByRole("button", { name: "Rebuild (darwin-rebuild switch)" }).click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("rebuild of builder");
  const log = page.getByTestId("job-log");
  await expect(log).toContainText("▶ Rebuild and switch", { timeout: 30_000 });
  await expect(page.getByTestId("job-state")).toHaveText(/running|succeeded/);
  await expect(log).toContainText("setting up launchd services", { timeout: 30_000 });
  await expect(page.getByTestId("job-state")).toHaveText("succeeded", { timeout: 60_000 });
  expect(switches()).toBe(before + 1);
  builderControls(builderDir(), {});

  await page.getByRole("link", { name: "builder", exact: true }).click();
  await expect(page).toHaveURL(/\/builder$/);
  await expect(page.getByTestId("history-row").first()).toContainText("rebuild");
});

test("the Deployer page adopts a deployment NixOps already has", async ({ page }) => {
  await signIn(page);
  await page.goto("/deployer");
  await waitForHydration(page);
  await expect(page.getByTestId("deployer-facts")).toContainText("1.7");
  const row = page.locator("[data-testid=deployment-row][data-name=e2e-legacy]");
  await expect(row.getByTestId("deployment-managed")).toHaveText("not managed");
  await row.getByRole("button", { name: "Adopt" }).click();

  await expect(page).toHaveURL(/\/clusters\/e2e-legacy$/);
  await expect(page.getByTestId("cluster-state")).toHaveText("deployed");
  await expect(page.getByText("10.1.211.0/24")).toBeVisible();
  // Nothing ran: the new cluster has no jobs.
  await expect(page.getByTestId("history-row")).toHaveCount(0);

  await page.goto("/deployer");
  await expect(
    page.locator("[data-testid=deployment-row][data-name=e2e-legacy]").getByTestId("deployment-managed"),
  ).toHaveText("managed");
});
