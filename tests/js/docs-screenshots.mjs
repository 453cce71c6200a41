// Walks a running portal (the README's run command) in Debian's Chromium through every page of the buyer's
// journey, in English, Chinese and Japanese, on a desktop and a phone, and writes the README's screenshots.
// Usage: node tests/js/docs-screenshots.mjs http://127.0.0.1:5080 docs/screenshots
import { chromium } from "playwright-core";

const [base = "http://127.0.0.1:5080", out = "docs/screenshots"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const circuit = page => page.locator("[data-circuit=on]").waitFor({ state: "attached", timeout: 30000 });
const pick = async (page, name, index = 0) => {
  await page.locator(`.rz-dropdown:has(input[name=${name}])`).click();
  await page.locator(".rz-popup:visible .rz-dropdown-item").nth(index).click();
};
const next = async (page, path) => {
  await page.locator("#step-submit").click();
  await page.waitForURL("**" + path);
  await circuit(page);
};

async function journey(locale, viewport, suffix) {
  const context = await browser.newContext({ baseURL: base, viewport, locale, extraHTTPHeaders: { "Accept-Language": locale } });
  const page = await context.newPage();
  const shot = step => page.screenshot({ path: `${out}/${step}-${locale}-${suffix}.png`, fullPage: true });
  const email = `buyer.${locale.toLowerCase()}.${suffix}.${Date.now()}@example.com`;

  await page.goto("/dev/marketplace"); await circuit(page); await shot("01-simulator");
  await page.locator("#subscribe").click(); await page.locator("#setup-account").waitFor(); await shot("02-subscribed");
  await page.locator("#setup-account").click(); await page.waitForURL("**/onboarding"); await circuit(page); await shot("03-wizard-start");
  await page.locator(".portal-actions button").first().click(); await page.waitForURL("**/onboarding/account"); await circuit(page); await shot("04-account");
  await page.locator(".rz-tabview-nav li").nth(1).click();
  await page.locator("input[name=register-name]").fill("Ada Buyer");
  await page.locator("input[name=register-email]").fill(email);
  await page.locator("input[name=register-password]").fill("Str0ng!Passw0rd");
  await page.locator("input[name=register-confirm]").fill("Str0ng!Passw0rd");
  await page.locator(".rz-chkbox:has(input[name=register-terms])").click();
  await shot("05-register");
  await page.locator("#register-submit").click(); await page.waitForURL("**/onboarding/verify-email"); await circuit(page); await shot("06-verify-email");

  const mailbox = await context.newPage();
  await mailbox.goto("/dev/mailbox");
  const text = await mailbox.locator("details", { hasText: email }).first().locator("pre").innerText();
  if (suffix === "desktop" && locale === "en") await mailbox.screenshot({ path: `${out}/07-mailbox-${locale}-${suffix}.png`, fullPage: true });
  await mailbox.close();
  await page.locator("input[name=verify-code]").fill(text.match(/\b\d{6}\b/)[0]);
  await page.locator("#verify-submit").click(); await page.waitForURL("**/onboarding/business"); await circuit(page);

  await page.locator("input[name=company]").fill("Example Trading");
  await pick(page, "role"); await pick(page, "size", 2); await pick(page, "country", 5);
  await page.locator("textarea[name=usecase]").fill("Monitoring our online shop");
  await shot("08-business");
  await next(page, "/onboarding/enterprise");
  await page.locator("input[name=legal]").fill("Example Trading Ltd.");
  await pick(page, "industry", 2);
  await page.locator("textarea[name=address]").fill("1-2-3 Shibuya, Tokyo");
  await page.locator("input[name=billingemail]").fill("billing@example.com");
  await shot("09-enterprise");
  await next(page, "/onboarding/site");
  await page.locator("input[type=radio]").nth(1).check(); await shot("10-site");
  await next(page, "/onboarding/organization");
  await page.locator("input[name=org-name]").fill("Example Trading"); await shot("11-organization");
  await next(page, "/onboarding/workspace");
  await page.locator("input[name=ws-name]").fill("Production"); await shot("12-workspace");
  await next(page, "/onboarding/review"); await shot("13-review");
  await next(page, "/onboarding/linked"); await shot("14-linked");
  await page.locator("#go-billing").click(); await page.waitForURL("**/billing"); await circuit(page);
  await page.locator(".portal-facts").waitFor(); await shot("15-billing");
  await page.goBack(); await page.waitForURL("**/onboarding/linked"); await circuit(page);
  await page.locator("#go-workspace").click(); await page.waitForURL("**/workspaces/**"); await circuit(page);
  await page.locator(".portal-facts").waitFor(); await shot("16-workspace-home");
  await context.close();
}

for (const [suffix, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 375, height: 740 }]])
  for (const locale of ["en", "zh-CN", "ja"]) await journey(locale, viewport, suffix);

// A failure page, as a buyer with an expired link sees it.
const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
await page.goto("/dev/marketplace");
await circuit(page);
await page.locator(".rz-dropdown:has(input[name=outcome])").click();
await page.getByRole("option", { name: "Token expired" }).click();
await page.locator("#subscribe").click();
await page.locator("#setup-account").click();
await page.locator("h1").waitFor();
await page.screenshot({ path: `${out}/90-expired-token-en-desktop.png`, fullPage: true });
await browser.close();
console.log("screenshots written to", out);
