// Walks a running portal (the README's run command) in Debian's Chromium and writes the README's screenshots.
// Usage: node tests/js/docs-screenshots.mjs http://127.0.0.1:5080 docs/screenshots
import { chromium } from "playwright-core";

const [base = "http://127.0.0.1:5080", out = "docs/screenshots"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const circuit = page => page.locator("[data-circuit=on]").waitFor({ state: "attached", timeout: 30000 });

for (const [suffix, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 375, height: 740 }]]) {
  for (const locale of ["en", "zh-CN", "ja"]) {
    const context = await browser.newContext({ baseURL: base, viewport, locale, extraHTTPHeaders: { "Accept-Language": locale } });
    const page = await context.newPage();
    const name = step => `${out}/${step}-${locale}-${suffix}.png`;
    await page.goto("/dev/marketplace");
    await circuit(page);
    await page.screenshot({ path: name("1-simulator"), fullPage: true });
    await page.locator("#subscribe").click();
    await page.locator("#setup-account").waitFor();
    await page.screenshot({ path: name("2-subscribed"), fullPage: true });
    await page.locator("#setup-account").click();
    await page.waitForURL("**/onboarding");
    await circuit(page);
    await page.screenshot({ path: name("3-wizard-start"), fullPage: true });
    await context.close();
  }
}
// One failure page, as a buyer with an expired link sees it.
const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
await page.goto("/dev/marketplace");
await circuit(page);
await page.locator(".rz-dropdown:has(input[name=outcome])").click();
await page.getByRole("option", { name: "Token expired" }).click();
await page.locator("#subscribe").click();
await page.locator("#setup-account").click();
await page.locator("h1").waitFor();
await page.screenshot({ path: `${out}/4-expired-token-en-desktop.png`, fullPage: true });
await browser.close();
console.log("screenshots written to", out);
