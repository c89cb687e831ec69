// Signs the browser context in as local mode's admin, through the same form post a person
// makes; the session cookie lands in the context's cookie jar.
import { expect, type Page } from "@playwright/test";

export async function signIn(page: Page): Promise<void> {
  const response = await page.request.post("/auth/local", {
    form: { next: "/" },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(303);
}
