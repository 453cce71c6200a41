// Screenshots of the vendor console for the README. Start the portal with Admin__Emails__0=admin@example.com, then:
// node tests/js/admin-screenshots.mjs http://127.0.0.1:5090 docs/screenshots
// It subscribes a few times in the simulator, walks one buyer (the admin) through to a linked organization, signs in
// at /account/signin and photographs /admin and a subscription's page on a desktop and a phone.
import { launch, circuit, next, land, openRegister, fillRegister, verify, business, enterprise } from "./portal-pages.mjs";

const [base = "http://127.0.0.1:5090", out = "docs/screenshots"] = process.argv.slice(2);
const email = "admin@example.com";
const browser = await launch();

// SKIP_SETUP=1 photographs a portal that already has the admin and its subscriptions.
if (!process.env.SKIP_SETUP) {
  const setup = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 }, locale: "en" });
  for (let i = 0; i < 3; i++) await (await land(setup)).close(); // buyers who landed and left
  const page = await land(setup);
  await openRegister(page);
  await fillRegister(page, "Ada Admin", email);
  await page.locator("#register-submit").click(); await page.waitForURL("**/onboarding/verify-email"); await circuit(page);
  await verify(page, setup, email);
  await business(page, "Example Trading");
  await next(page, "/onboarding/enterprise");
  await enterprise(page, "Example Trading Ltd.");
  await next(page, "/onboarding/site");
  await page.locator("input[type=radio]").nth(1).check();
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
  await p.locator(".admin-funnel-chart svg").waitFor({ state: "attached" }); // hidden on a phone: the table stays
  await p.locator("#subscriptions-grid tbody tr").first().waitFor();
  await p.screenshot({ path: `${out}/20-admin-console-${suffix}.png`, fullPage: true });
  if (suffix === "desktop") {
    await p.getByRole("tab").nth(1).click(); await p.locator("#admins-grid tbody tr").first().waitFor();
    await p.screenshot({ path: `${out}/20-admin-administrators-${suffix}.png`, fullPage: true });
    await p.getByRole("tab").nth(0).click();
  }
  await p.locator("#subscriptions-grid tbody tr a").first().click();
  await p.waitForURL("**/admin/subscriptions/**"); await p.locator("#subscription-facts").waitFor();
  await p.screenshot({ path: `${out}/20-admin-subscription-${suffix}.png`, fullPage: true });
  await context.close();
}
await browser.close();
console.log("screenshots written to", out);
