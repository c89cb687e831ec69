import { expect, test } from "./fixtures";
import { signIn } from "./session";
import { waitForHydration } from "./hydration";

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

const sections = [
  { link: "Clusters", heading: "Clusters" },
  { link: "Builder", heading: "Builder" },
  { link: "Deployer", heading: "Deployer" },
  { link: "Secrets", heading: "Secrets" },
  { link: "Audit", heading: "Audit" },
];

test("the home page renders inside the layout with the navigation", async ({ page }) => {
  // Errors include Content-Security-Policy violations: the page must work under its policy.
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto("/");
  await waitForHydration(page);
  await expect(page).toHaveTitle("Overview · nixdeck");
  await expect(page.getByRole("link", { name: "nixdeck" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const { link } of sections) {
    await expect(nav.getByRole("link", { name: link })).toBeVisible();
  }
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("account")).toContainText("Local admin");
  expect(errors).toEqual([]);
});

test("a page is marked interactive only once its area's code has arrived", async ({ page }) => {
  // Each area's WebAssembly (split_<area>_….wasm) is held back a while; the mark must wait
  // for it, or tests (and people's scripts) would act on parts not yet attached.
  let areaArrived = false;
  await page.route(/\/pkg\/split_[^/]+\.wasm$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  page.on("requestfinished", (request) => {
    if (/\/pkg\/split_[^/]+\.wasm$/.test(new URL(request.url()).pathname)) areaArrived = true;
  });
  await page.goto("/clusters");
  await waitForHydration(page);
  expect(areaArrived).toBe(true);
});

test("the overview reports the database as reachable", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByText("sqlite reachable")).toBeVisible();
});

test("every section opens from the navigation inside the same layout", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const { link, heading } of sections) {
    await nav.getByRole("link", { name: link }).click();
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(nav.getByRole("link", { name: link })).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("link", { name: "nixdeck" })).toBeVisible();
  }
});

test("an unknown address answers 404 with a page inside the layout", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await page.getByRole("link", { name: "Back to the overview" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
});

test("the health endpoint reports the database", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.status).toBe("ok");
  expect(body.database).toMatchObject({ engine: "sqlite", reachable: true });
});

test("the site's WebAssembly and CSS come from the binary, compressed", async ({ request }) => {
  for (const file of ["/pkg/nixdeck.wasm", "/pkg/nixdeck.js", "/pkg/nixdeck.css"]) {
    const response = await request.get(file, { headers: { "accept-encoding": "br" } });
    expect(response.status(), file).toBe(200);
    expect(response.headers()["content-encoding"], file).toBe("br");
  }
});

test.describe("on a phone-width screen", () => {
  test.use({ viewport: { width: 375, height: 740 } });

  test("the layout fits the screen and the navigation is reachable", async ({ page }) => {
    await page.goto("/");
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Clusters" })).toBeVisible();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
