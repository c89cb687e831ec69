// Ending the local admin's sessions signs out every test that is signed in as the local
// admin, so this spec runs alone, after all the others (see playwright.config.ts).
import { expect, test } from "./fixtures";
import { waitForHydration } from "./hydration";
import { signIn } from "./session";

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("an admin sees who has signed in and can end their sessions", async ({ page }) => {
  await page.goto("/people");
  await waitForHydration(page);
  const person = page.getByRole("listitem").filter({ hasText: "Local admin" });
  await expect(person).toContainText("admin");
  const ended = page.waitForResponse(
    (response) => response.request().method() === "POST" && response.url().includes("end_sessions"),
  );
  await person.getByRole("button", { name: "End sessions" }).click();
  expect((await ended).status()).toBe(200);
  await page.goto("/clusters");
  // The ended session's cookie is refused (the sign-in page then says the session ended),
  // unless the page's own next request, refused the same way, has already cleared it.
  await expect(page).toHaveURL(/\/signin\?next=\/clusters(&refused=session_ended)?$/);
});
