import { expect, test } from "./fixtures";
import { githubBaseURL } from "../github/servers";

// A second nixdeck, configured for GitHub sign-in against the GitHub stand-in.
test.use({ baseURL: githubBaseURL });

test("a member signs in with GitHub, sees their name and role, and signs out", async ({ page }) => {
  await page.goto("/audit");
  await expect(page).toHaveURL(/\/signin\?next=\/audit$/);
  await expect(page.getByRole("status")).toHaveCount(0); // no local-mode banner
  await expect(page.getByText("For members of the acme organisation.")).toBeVisible();

  await page.getByRole("link", { name: "Sign in with GitHub" }).click();
  await expect(page.getByRole("heading", { name: /Authorize/ })).toBeVisible();
  await page.getByRole("button", { name: "Sign in as olga" }).click();

  await expect(page).toHaveURL(/127\.0\.0\.1:3458\/audit$/);
  const account = page.getByTestId("account");
  await expect(account).toContainText("Olga Operator");
  await expect(account).toContainText("operator");
  const me = await page.request.get("/api/v1/me");
  expect(await me.json()).toEqual({
    login: "olga",
    actor: "github:olga",
    role: "operator",
    via: "session",
  });

  await account.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  expect((await page.request.get("/api/v1/me")).status()).toBe(401);
});

test("a person outside the organisation is refused with a clear page", async ({ page }) => {
  await page.goto("/signin");
  await page.getByRole("link", { name: "Sign in with GitHub" }).click();
  await page.getByRole("button", { name: "Sign in as mallory" }).click();

  await expect(page).toHaveURL(/\/signin\?refused=not_member$/);
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Sign-in refused");
  await expect(alert).toContainText("not a member of the organisation");
  expect((await page.request.get("/api/v1/me")).status()).toBe(401);
});
