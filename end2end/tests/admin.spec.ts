import { expect, test } from "./fixtures";
import { waitForHydration } from "./hydration";
import { signIn } from "./session";

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("an admin creates an API token, sees it once, uses it and revokes it", async ({ page }) => {
  await page.goto("/tokens");
  await waitForHydration(page);
  await page.getByLabel("Name").fill("e2e-ci");
  await page.getByLabel("Role").selectOption("operator");
  await page.getByRole("button", { name: "Create token" }).click();
  const value = page.getByTestId("new-token");
  await expect(value).toHaveText(/^ndk_[0-9a-f]{64}$/);
  const token = (await value.textContent()) ?? "";

  const me = await page.request.get("/api/v1/me", {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(await me.json()).toEqual({
    login: "e2e-ci",
    actor: "token:e2e-ci",
    role: "operator",
    via: "token",
  });

  const row = page.getByRole("listitem").filter({ hasText: "e2e-ci" });
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("revoked");
  const refused = await page.request.get("/api/v1/me", {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(refused.status()).toBe(401);
});

test("the audit page filters events and exports them", async ({ page }) => {
  await page.goto("/audit");
  await expect(page.getByRole("cell", { name: "auth.sign_in" }).first()).toBeVisible();
  await page.getByLabel("Action").fill("auth.sign_in");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=auth.sign_in/);
  const actions = page.getByRole("row").locator("td:nth-child(3)");
  await expect(actions.first()).toHaveText("auth.sign_in");

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("nixdeck-audit.csv");
});
