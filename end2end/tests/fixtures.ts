// Every test's pages are watched for a panic of the WebAssembly: a page whose hydration
// panics (the browser built another page than the server sent) may still look right, so
// tests that only read it would pass. Specs import `test` and `expect` from here.
import { test as base, expect } from "@playwright/test";

export * from "@playwright/test";

export const test = base.extend<{ noPanics: void }>({
  noPanics: [
    async ({ context }, use) => {
      const panics: string[] = [];
      context.on("console", (message) => {
        if (message.type() === "error" && message.text().includes("panicked at")) {
          panics.push(message.text());
        }
      });
      await use();
      expect(panics, "the page's WebAssembly panicked").toEqual([]);
    },
    { auto: true },
  ],
});
