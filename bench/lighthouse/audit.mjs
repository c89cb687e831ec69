// Lighthouse (desktop preset, simulated throttling) over nixdeck's pages, signed in, in the
// light and the dark theme, driving the system Chromium. Prints each page's performance,
// accessibility and best-practices scores as a Markdown table, then every audit that did not
// pass with the elements it names; writes each full report to bench/results/lighthouse/.
//
// Usage: node audit.mjs BASE_URL SESSION_COOKIE LABEL=PATH...

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";

const CATEGORIES = ["performance", "accessibility", "best-practices"];
const THEMES = ["light", "dark"];

const [base, cookie, ...pageArgs] = process.argv.slice(2);
if (!base || !cookie || pageArgs.length === 0) {
  console.error("usage: node audit.mjs BASE_URL SESSION_COOKIE LABEL=PATH...");
  process.exit(2);
}
const pages = pageArgs.map((arg) => {
  const [label, path] = arg.split("=");
  return { label, path };
});
const results = join(dirname(fileURLToPath(import.meta.url)), "../results/lighthouse");
mkdirSync(results, { recursive: true });

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  // Root cannot run Chromium's sandbox; there is no display.
  chromeFlags: ["--headless=new", "--no-sandbox"],
});
const rows = [];
const failures = [];
try {
  for (const { label, path } of pages) {
    for (const theme of THEMES) {
      const url = base + path;
      const { lhr } = await lighthouse(
        url,
        {
          port: chrome.port,
          output: "json",
          logLevel: "error",
          onlyCategories: CATEGORIES,
          extraHeaders: { Cookie: `${cookie}; nixdeck_theme=${theme}` },
        },
        desktopConfig,
      );
      // A session that did not hold would have audited the sign-in page instead.
      if (lhr.runtimeError || lhr.finalDisplayedUrl !== url) {
        throw new Error(
          `${url} (${theme}): ${lhr.runtimeError?.message ?? `ended at ${lhr.finalDisplayedUrl}`}`,
        );
      }
      writeFileSync(join(results, `${label}-${theme}.json`), JSON.stringify(lhr));
      const score = (id) => Math.round(lhr.categories[id].score * 100);
      rows.push(`| ${label} (\`${path}\`) | ${theme} | ${CATEGORIES.map(score).join(" | ")} |`);
      for (const category of CATEGORIES.slice(1)) {
        for (const ref of lhr.categories[category].auditRefs) {
          const audit = lhr.audits[ref.id];
          if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
            const nodes = (audit.details?.items ?? [])
              .map((item) => item.node?.selector ?? item.source?.url ?? item.description)
              .filter(Boolean)
              .slice(0, 3);
            failures.push(
              `- ${label}, ${theme}: ${category} \`${ref.id}\` (${audit.title})` +
                (nodes.length ? `: ${nodes.map((n) => `\`${n}\``).join(", ")}` : ""),
            );
          }
        }
      }
    }
  }
} finally {
  await chrome.kill();
}

console.log("| page | theme | performance | accessibility | best practices |");
console.log("|---|---|---|---|---|");
for (const row of rows) console.log(row);
console.log();
console.log(failures.length ? failures.join("\n") : "Every accessibility and best-practices audit passed.");
