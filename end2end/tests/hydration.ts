// Waits until the page's WebAssembly has hydrated it: the app marks <body> when it has.
import { expect, type Page } from "@playwright/test";

export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}
