import { expect, test } from "./fixtures";
import { signIn } from "./session";

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test.use({ javaScriptEnabled: false });

test("the dashboard is usable with JavaScript disabled", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await expect(page.getByText("sqlite reachable")).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole("heading", { level: 1, name: "Audit" })).toBeVisible();
});

test("the theme toggle works through the server with JavaScript disabled", async ({ page }) => {
  await page.goto("/deployer");
  await page.getByRole("button", { name: /^Theme:/ }).click();
  await expect(page).toHaveURL(/\/deployer$/);
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
});
