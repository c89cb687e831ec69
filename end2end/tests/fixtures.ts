// Every test's pages are watched for a panic of the WebAssembly: a page whose hydration
// panics (the browser built another page than the server sent) may still look right, so
// tests that only read it would pass. Specs import `test` and `expect` from here; a spec
// that opens browser contexts of its own passes each to `watchPanics`.
import { test as base, expect, type BrowserContext } from "@playwright/test";

export * from "@playwright/test";

export const test = base.extend<{ watchPanics: (context: BrowserContext) => void }>({
  watchPanics: [
    async ({ context }, use) => {
      const panics: string[] = [];
      const watch = (watched: BrowserContext) => {
        watched.on("console", (message) => {
          if (message.type() === "error" && message.text().includes("panicked at")) {
            panics.push(message.text());
          }
        });
      };
      watch(context);
      await use(watch);
      expect(panics, "the page's WebAssembly panicked").toEqual([]);
    },
    { auto: true },
  ],
});
