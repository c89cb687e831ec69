import { expect, test } from "./fixtures";

test("a signed-out person signs in, sees their name and role, and signs out", async ({ page }) => {
  await page.goto("/audit");
  await expect(page).toHaveURL(/\/signin\?next=\/audit$/);
  await expect(page.getByRole("status")).toContainText("Local mode");

  await page.getByRole("button", { name: "Sign in as the local admin" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  const account = page.getByTestId("account");
  await expect(account).toContainText("Local admin");
  await expect(account).toContainText("admin");

  await account.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin\?next=\/$/);
});

test("the API answers who is signed in, and refuses without credentials", async ({ page }) => {
  const anonymous = await page.request.get("/api/v1/me");
  expect(anonymous.status()).toBe(401);
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in as the local admin" }).click();
  const me = await page.request.get("/api/v1/me");
  expect(await me.json()).toEqual({ login: "admin", actor: "local:admin", role: "admin", via: "session" });
});
