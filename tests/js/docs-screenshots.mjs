// Walks a running portal (the README's run command) in Debian's Chromium through every page of the buyer's
// journey, in English, Chinese and Japanese, on a desktop and a phone, and writes the README's screenshots.
// Usage: node tests/js/docs-screenshots.mjs http://127.0.0.1:5080 docs/screenshots
import { launch, circuit, pick, next, fillRegister, verify, business, enterprise } from "./portal-pages.mjs";

const [base = "http://127.0.0.1:5080", out = "docs/screenshots"] = process.argv.slice(2);
const browser = await launch();

async function journey(locale, viewport, suffix) {
  const context = await browser.newContext({ baseURL: base, viewport, locale, extraHTTPHeaders: { "Accept-Language": locale } });
  const page = await context.newPage();
  const shot = step => page.screenshot({ path: `${out}/${step}-${locale}-${suffix}.png`, fullPage: true });
  const email = `buyer.${locale.toLowerCase()}.${suffix}.${Date.now()}@example.com`;

  await page.goto("/dev/marketplace"); await circuit(page); await shot("01-simulator");
  await page.locator("#subscribe").click(); await page.locator("#setup-account").waitFor(); await shot("02-subscribed");
  await page.locator("#setup-account").click(); await page.waitForURL("**/onboarding"); await circuit(page); await shot("03-wizard-start");
  await page.locator(".portal-actions button").first().click(); await page.waitForURL("**/onboarding/account"); await circuit(page); await shot("04-account");
  await page.getByRole("tab").nth(1).click();
  await page.locator("#register-submit").click(); // an empty submit: the messages a buyer sees
  await page.locator(".mud-input-error").first().waitFor(); await shot("05-register-errors");
  await fillRegister(page, "Ada Buyer", email);
  await shot("05-register");
  await page.locator("#register-submit").click(); await page.waitForURL("**/onboarding/verify-email"); await circuit(page); await shot("06-verify-email");

  const mailbox = await context.newPage();
  await mailbox.goto("/dev/mailbox"); await circuit(mailbox);
  await mailbox.screenshot({ path: `${out}/07-mailbox-${locale}-${suffix}.png`, fullPage: true });
  await mailbox.close();
  await verify(page, context, email);

  await page.locator("#step-submit").click(); // an empty submit first: one message per field, red borders
  await page.locator(".mud-input-error").first().waitFor(); await shot("08-business-errors");
  await business(page, "Example Trading", locale);
  await shot("08-business");
  await next(page, "/onboarding/enterprise");
  await enterprise(page, "Example Trading Ltd.");
  await shot("09-enterprise");
  await next(page, "/onboarding/site");
  await page.locator("input[type=radio]").nth(1).check(); await shot("10-site");
  await next(page, "/onboarding/organization");
  await page.locator("input[name=org-name]").fill("Example Trading"); await shot("11-organization");
  await next(page, "/onboarding/workspace");
  await page.locator("input[name=ws-name]").fill("Production"); await shot("12-workspace");
  await next(page, "/onboarding/review"); await shot("13-review");
  await next(page, "/onboarding/linked"); await page.locator("#linked-confirmation").waitFor(); await shot("14-linked");
  await page.locator("#go-billing").click(); await page.waitForURL("**/billing"); await circuit(page);
  await page.locator(".portal-facts").waitFor(); await shot("15-billing");
  const apiKeys = page.url().replace(/\/billing$/, "/api-keys");
  await page.goBack(); await page.waitForURL("**/onboarding/linked"); await circuit(page);
  await page.locator("#go-workspace").click(); await page.waitForURL("**/workspaces/**"); await circuit(page);
  await page.locator(".portal-facts").waitFor(); await shot("16-workspace-home");
  // The buyer's account pages and the portal's own error pages.
  for (const [path, name] of [["account/security", "22-account-security"], [apiKeys, "23-api-keys"], ["does-not-exist", "24-not-found"]]) {
    await page.goto(path); await circuit(page); await page.locator("h1").first().waitFor(); await shot(name);
  }
  for (const [path, name] of [["account/signin", "25-signin"], ["account/forgot", "26-forgot-password"], ["account/reset?uid=x&token=y", "27-reset-password"]]) {
    await context.clearCookies();
    await page.goto(path); await circuit(page); await page.locator("h1").first().waitFor(); await shot(name);
  }
  await context.close();
}

for (const [suffix, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 375, height: 740 }]])
  for (const locale of ["en", "zh-CN", "ja"]) await journey(locale, viewport, suffix);

// A failure page, as a buyer with an expired link sees it.
const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
await page.goto("/dev/marketplace");
await circuit(page);
await page.locator("input[name=outcome]").click();
await page.getByRole("option", { name: "Token expired" }).click();
await page.locator("#subscribe").click();
await page.locator("#setup-account").click();
await page.locator("h1").waitFor();
await page.screenshot({ path: `${out}/90-expired-token-en-desktop.png`, fullPage: true });
await page.setViewportSize({ width: 375, height: 740 });
await page.screenshot({ path: `${out}/90-expired-token-en-phone.png`, fullPage: true });
await browser.close();
console.log("screenshots written to", out);
