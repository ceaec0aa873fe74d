// Real headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core;
// never a downloaded browser. Playwright gives each launch a fresh, throwaway
// profile directory (its own --user-data-dir), so runs share no state.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../integration/lib/server.mjs";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const screenshotDir = join(repoRoot, "build/test-artifacts/screenshots");

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A fresh context (its own storage) at a viewport; phone contexts are touch devices. */
export async function newPage(browser, baseURL, { viewport = DESKTOP, userAgent } = {}) {
  const phone = viewport.width < 600;
  const context = await browser.newContext({ baseURL, viewport, isMobile: phone, hasTouch: phone, deviceScaleFactor: 1, userAgent });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return { context, page, errors };
}

export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** True when the page is wider than its viewport (something overflows sideways). */
export function horizontalOverflow(page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const widest = Math.max(doc.scrollWidth, document.body.scrollWidth);
    const offenders = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
      .filter((el) => !el.closest(".table-wrap, .main-nav"))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    return { overflow: widest > doc.clientWidth, scrollWidth: widest, clientWidth: doc.clientWidth, offenders };
  });
}
