// The page's background lightness (CIE L*, 0 = black, 100 = white). Tailwind v4 defines its
// colours in oklch, which Chromium reports as lab(); only lightness matters to these tests.
import type { Page } from "@playwright/test";

export async function backgroundLightness(page: Page): Promise<number> {
  const color = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const lab = /^lab\(([\d.]+)/.exec(color);
  if (lab) return Number(lab[1]);
  const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color);
  if (!rgb) throw new Error(`unexpected colour ${color}`);
  const [r, g, b] = rgb.slice(1).map(Number);
  return ((0.2126 * r + 0.7152 * g + 0.0722 * b) / 255) * 100;
}
