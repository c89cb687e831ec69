// Loads each page in Debian's Chromium, signed in, waits until it has hydrated, and prints
// (as JSON, page name → paths) every file under /pkg/ the browser fetched for it.
// Usage: node bench/bundle_fetched.mjs BASE_URL COOKIE name=/path ...
import { chromium } from "@playwright/test";

const [base, cookie, ...pages] = process.argv.slice(2);
const [cookieName, cookieValue] = cookie.split(/=(.*)/s);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
});
const fetched = {};
try {
  for (const page of pages) {
    const [name, path] = page.split(/=(.*)/s);
    // A fresh context each time: an empty cache, as on a first visit.
    const context = await browser.newContext();
    await context.addCookies([{ name: cookieName, value: cookieValue, url: base }]);
    const tab = await context.newPage();
    const paths = [];
    tab.on("response", (response) => {
      const url = new URL(response.url());
      if (url.pathname.startsWith("/pkg/")) paths.push(url.pathname);
    });
    let panic = null;
    tab.on("console", (message) => {
      if (message.type() === "error" && message.text().includes("panicked")) panic = message.text();
    });
    const response = await tab.goto(base + path);
    if (!response.ok() || new URL(tab.url()).pathname !== path) {
      throw new Error(`${name}: ${path} answered ${response.status()} at ${tab.url()}`);
    }
    await tab.locator("body[data-hydrated=true]").waitFor({ timeout: 30_000 });
    // Chunks a hydrated page asks for later (none are expected) would show up here.
    await tab.waitForLoadState("networkidle");
    if (panic) throw new Error(`${name}: the page's WebAssembly panicked: ${panic}`);
    fetched[name] = [...new Set(paths)].sort();
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(fetched));
