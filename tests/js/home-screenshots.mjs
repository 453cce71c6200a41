// Walks a running portal through the buyer's home after linking: the billing confirmation, the organization's
// overview, billing, workspaces, "Your account" and the header's switcher between two organizations.
// Usage: node tests/js/home-screenshots.mjs http://127.0.0.1:5080 docs/screenshots [locale]
import { launch, circuit, next, land, openRegister, fillRegister, verify, business, enterprise } from "./portal-pages.mjs";

const [base = "http://127.0.0.1:5080", out = "docs/screenshots", locale = "en"] = process.argv.slice(2);
const browser = await launch();
const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 }, locale, extraHTTPHeaders: { "Accept-Language": locale } });
const page = await land(context);
const shot = name => page.screenshot({ path: `${out}/${name}-${locale}-desktop.png`, fullPage: true });
const email = `home.${Date.now()}@example.com`;

async function wizard(orgName) {
  await page.locator("#step-submit").waitFor({ timeout: 30000 });
  if (page.url().includes("/onboarding/business")) { await business(page, "Home Trading", locale); await next(page, "/onboarding/enterprise"); }
  if (page.url().includes("/onboarding/enterprise")) { await enterprise(page, "Home Trading Ltd."); await next(page, "/onboarding/site"); }
  if (page.url().includes("/onboarding/site")) { await page.locator("input[type=radio]").first().check(); await next(page, "/onboarding/organization"); }
  await page.locator("input[name=org-name]").fill(orgName);
  await next(page, "/onboarding/workspace");
  await page.locator("input[name=ws-name]").fill("Production");
  await next(page, "/onboarding/review");
  await next(page, "/onboarding/linked");
  await page.locator("#linked-confirmation").waitFor({ timeout: 30000 });
}

await openRegister(page);
await fillRegister(page, "Hana Home", email);
await page.locator("#register-submit").click();
await page.waitForURL("**/onboarding/verify-email", { timeout: 30000 });
await circuit(page);
await verify(page, context, email);
await wizard("Home Trading");
await shot("30-linked");
await page.locator("#go-organization").click(); await page.waitForURL(/\/organizations\/[0-9a-f-]+$/, { timeout: 30000 }); await circuit(page);
await page.locator("#org-role").waitFor({ timeout: 30000 });
await shot("31-organization-home");
await page.locator("#tab-billing").click(); await page.waitForURL("**/billing", { timeout: 30000 }); await circuit(page);
await page.locator("#billing-banner").waitFor({ timeout: 30000 }); await shot("32-organization-billing");
await page.locator("#tab-workspaces").click(); await page.waitForURL("**/workspaces", { timeout: 30000 }); await circuit(page);
await page.locator("#new-ws-submit:not([disabled])").waitFor({ timeout: 30000 }); await shot("33-organization-workspaces");

// A second subscription of the same buyer, linked to a second organization: the switcher lists both.
const second = await land(context);
await second.locator(".portal-actions button").first().waitFor({ timeout: 30000 });
await second.close();
await page.goto("/onboarding"); await circuit(page);
await page.locator("#signed-in-as").waitFor({ timeout: 30000 }); await shot("34-landing-signed-in-as");
await page.locator("#start-continue").click();
await page.waitForURL(/\/onboarding\/(business|site|organization)/, { timeout: 30000 }); await circuit(page);
await wizard("Second Org");
await page.locator("#go-organization").click(); await page.waitForURL(/\/organizations\/[0-9a-f-]+$/, { timeout: 30000 }); await circuit(page);
await page.locator("#org-role").waitFor({ timeout: 30000 });
await page.locator("#org-switcher button").click();
await page.locator(".mud-popover-open .mud-menu-item").first().waitFor({ timeout: 30000 });
await shot("35-organization-switcher");
await page.keyboard.press("Escape");
await page.goto("account"); await circuit(page); await page.locator("#organization-list").waitFor({ timeout: 30000 });
await shot("36-your-account");
await browser.close();
