import { expect, test } from "./fixtures";
import { signIn } from "./session";
import { backgroundLightness } from "./colors";
import { waitForHydration } from "./hydration";

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

const toggle = (page: import("@playwright/test").Page) =>
  page.getByRole("button", { name: /^Theme:/ });

test("after hydration the theme toggle switches in place and is remembered", async ({ page }) => {
  await page.goto("/clusters");
  await waitForHydration(page);
  const html = page.locator("html");
  await expect(html).toHaveAttribute("data-theme", "system");

  // A marker on window survives only if the click is handled in the page, not by a reload.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  await toggle(page).click();
  await expect(html).toHaveAttribute("data-theme", "light");
  await toggle(page).click();
  await expect(html).toHaveAttribute("data-theme", "dark");
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect.poll(() => backgroundLightness(page)).toBeLessThan(20);
});

test.describe("with the system in dark mode", () => {
  test.use({ colorScheme: "dark" });

  test("the page follows the system until a theme is picked", async ({ page }) => {
    await page.goto("/");
    await expect.poll(() => backgroundLightness(page)).toBeLessThan(20);
    await waitForHydration(page);
    await toggle(page).click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
    await expect.poll(() => backgroundLightness(page)).toBeGreaterThan(90);
  });
});
