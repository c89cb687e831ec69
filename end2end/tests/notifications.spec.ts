import { expect, test } from "./fixtures";
import { waitForHydration } from "./hydration";
import { signIn } from "./session";

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("an admin adds a channel, never sees its URL or secret again, and sends a test", async ({ page }) => {
  await page.goto("/notifications");
  await waitForHydration(page);
  await page.getByLabel("Name").fill("e2e-ops");
  await page.getByLabel("Kind").selectOption("webhook");
  // Nothing listens there: the test delivery stays pending, retried.
  await page.getByLabel("URL").fill("http://127.0.0.1:9/hooks/T0KEN-e2e");
  await page.getByLabel(/^Secret/).fill("a webhook secret for e2e");
  await page.getByLabel(/^Events/).fill("job.failed, job.succeeded");
  await page.getByRole("button", { name: "Add channel" }).click();

  const channel = page.getByTestId("channel").filter({ hasText: "e2e-ops" });
  await expect(channel).toContainText("http://127.0.0.1:9/…");
  await expect(channel).toContainText("signed");
  await expect(channel).toContainText("job.failed, job.succeeded");
  await channel.getByRole("button", { name: "Send a test" }).click();
  await expect(channel.getByTestId("delivery")).toContainText("notification.test");

  // Neither the URL's path nor the secret is anywhere in the page's HTML.
  const html = await (await page.request.get("/notifications")).text();
  expect(html).not.toContain("T0KEN-e2e");
  expect(html).not.toContain("a webhook secret for e2e");
});

test("a person makes a one-time code that links their Slack user", async ({ page }) => {
  await page.goto("/account");
  await waitForHydration(page);
  await expect(page.getByTestId("account-actor")).toContainText("admin");
  await page.getByRole("button", { name: "Make a link code" }).click();
  await expect(page.getByTestId("slack-code")).toHaveText(/^\/deploy link [A-Z2-9]{8}$/);
});
