// Screenshots of the vendor console for the README. Start the portal with Admin__Emails__0=admin@example.com, then:
// node tests/js/admin-screenshots.mjs http://127.0.0.1:5090 docs/screenshots
// It subscribes a few times in the simulator, walks one buyer (the admin) through to a linked organization, signs in
// at /account/signin and photographs /admin and a subscription's page on a desktop and a phone.
import { chromium } from "playwright-core";

const [base = "http://127.0.0.1:5090", out = "docs/screenshots"] = process.argv.slice(2);
const email = "admin@example.com";
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const circuit = page => page.locator("[data-circuit=on]").waitFor({ state: "attached", timeout: 30000 });
const pick = async (page, name, index = 0) => {
  await page.locator(`.rz-dropdown:has(input[name=${name}])`).click();
  await page.locator(".rz-popup:visible .rz-dropdown-item").nth(index).click();
};
const next = async (page, path) => { await page.locator("#step-submit").click(); await page.waitForURL("**" + path); await circuit(page); };

async function land(context) {
  const page = await context.newPage();
  await page.goto("/dev/marketplace"); await circuit(page);
  await page.locator("#subscribe").click(); await page.locator("#setup-account").click();
  await page.waitForURL("**/onboarding"); await circuit(page);
  return page;
}

// SKIP_SETUP=1 photographs a portal that already has the admin and its subscriptions.
if (!process.env.SKIP_SETUP) {
  const setup = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 }, locale: "en" });
  for (let i = 0; i < 3; i++) await (await land(setup)).close(); // buyers who landed and left
  const page = await land(setup);
  await page.locator(".portal-actions button").first().click(); await page.waitForURL("**/onboarding/account"); await circuit(page);
  await page.locator(".rz-tabview-nav li").nth(1).click();
  await page.locator("input[name=register-name]").fill("Ada Admin");
  await page.locator("input[name=register-email]").fill(email);
  await page.locator("input[name=register-password]").fill("Str0ng!Passw0rd");
  await page.locator("input[name=register-confirm]").fill("Str0ng!Passw0rd");
  await page.locator(".rz-chkbox:has(input[name=register-terms])").click();
  await page.locator("#register-submit").click(); await page.waitForURL("**/onboarding/verify-email"); await circuit(page);
  const mailbox = await setup.newPage();
  await mailbox.goto("/dev/mailbox");
  const text = await mailbox.locator("details", { hasText: email }).first().locator("pre").innerText();
  await mailbox.close();
  await page.locator("input[name=verify-code]").fill(text.match(/\b\d{6}\b/)[0]);
  await page.locator("#verify-submit").click(); await page.waitForURL("**/onboarding/business"); await circuit(page);
  await page.locator("input[name=company]").fill("Example Trading");
  await pick(page, "role"); await pick(page, "size", 2); await pick(page, "country", 5);
  await page.locator("textarea[name=usecase]").fill("Monitoring our online shop");
  await next(page, "/onboarding/enterprise");
  await page.locator("input[name=legal]").fill("Example Trading Ltd.");
  await pick(page, "industry", 2);
  await page.locator("textarea[name=address]").fill("1-2-3 Shibuya, Tokyo");
  await page.locator("input[name=billingemail]").fill("billing@example.com");
  await next(page, "/onboarding/site");
  await page.locator("[role=radio]").nth(1).click();
  await next(page, "/onboarding/organization");
  await page.locator("input[name=org-name]").fill("Example Trading");
  await next(page, "/onboarding/workspace");
  await page.locator("input[name=ws-name]").fill("Production");
  await next(page, "/onboarding/review");
  await next(page, "/onboarding/linked");
  await setup.close();
}

for (const [suffix, viewport, locale] of [["desktop", { width: 1280, height: 900 }, "en"], ["phone", { width: 375, height: 740 }, "en"],
                                            ["zh-CN-desktop", { width: 1280, height: 900 }, "zh-CN"], ["ja-desktop", { width: 1280, height: 900 }, "ja"]]) {
  const context = await browser.newContext({ baseURL: base, viewport, locale, extraHTTPHeaders: { "Accept-Language": locale } });
  const p = await context.newPage();
  await p.goto("/admin"); await p.waitForURL("**/account/signin?returnUrl=*"); await circuit(p);
  if (suffix === "desktop") await p.screenshot({ path: `${out}/20-admin-signin-${suffix}.png`, fullPage: true });
  await p.locator("input[name=signin-email]").fill(email);
  await p.locator("input[name=signin-password]").fill("Str0ng!Passw0rd");
  await p.locator("#signin-submit").click();
  await p.waitForURL("**/admin"); await circuit(p);
  await p.locator(".admin-funnel-chart svg").waitFor();
  await p.locator("#subscriptions-grid tbody tr").first().waitFor();
  await p.screenshot({ path: `${out}/20-admin-console-${suffix}.png`, fullPage: true });
  if (suffix === "desktop") {
    await p.locator(".rz-tabview-nav li").nth(1).click(); await p.locator("#admins-grid tbody tr").first().waitFor();
    await p.screenshot({ path: `${out}/20-admin-administrators-${suffix}.png`, fullPage: true });
    await p.locator(".rz-tabview-nav li").nth(0).click();
  }
  await p.locator("#subscriptions-grid tbody tr a").first().click();
  await p.waitForURL("**/admin/subscriptions/**"); await p.locator("#subscription-facts").waitFor();
  await p.screenshot({ path: `${out}/20-admin-subscription-${suffix}.png`, fullPage: true });
  await context.close();
}
await browser.close();
console.log("screenshots written to", out);
