// The contract journey and what AWS does afterwards, against a running portal (the README's run command):
// a contract AWS confirms late (the review page waits, then moves on by itself), the billing page with its
// entitlements, and the simulator's lifecycle and metering panel.
// Usage: node tests/js/contract-screenshots.mjs http://127.0.0.1:5080 docs/screenshots
import { launch, circuit, pick, next, openRegister, fillRegister, verify, business, enterprise } from "./portal-pages.mjs";

const [base = "http://127.0.0.1:5080", out = "docs/screenshots"] = process.argv.slice(2);
const browser = await launch();

const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 }, locale: "en" });
const page = await context.newPage();
const shot = name => page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
const email = `contract.${Date.now()}@example.com`;

await page.goto("/dev/marketplace"); await circuit(page);
await pick(page, "product", 1);
await page.locator("input[type=radio]").nth(1).check();
await page.locator("input[name=defer]").check();
await page.locator("#subscribe").click(); await page.locator("#setup-account").click();
await page.waitForURL("**/onboarding"); await circuit(page);
await openRegister(page);
await fillRegister(page, "Grace Buyer", email);
await page.locator("#register-submit").click(); await page.waitForURL("**/onboarding/verify-email"); await circuit(page);
await verify(page, context, email);
await business(page, "Contoso Health");
await next(page, "/onboarding/enterprise");
await enterprise(page, "Contoso Health Inc.");
await next(page, "/onboarding/site");
await page.locator("input[type=radio]").nth(0).check();
await next(page, "/onboarding/organization");
await page.locator("input[name=org-name]").fill("Contoso Health");
await next(page, "/onboarding/workspace");
await page.locator("input[name=ws-name]").fill("Clinics");
await next(page, "/onboarding/review");
await page.locator("#contract-waiting").waitFor();
await shot("17-contract-waiting-en-desktop");

// On AWS's side (the simulator's panel, another tab): the contract is confirmed.
const aws = await context.newPage();
await aws.goto("/dev/marketplace"); await circuit(aws);
await aws.locator("#confirm-contract").click(); await aws.locator("#event-result").waitFor();
await page.locator("#contract-waiting").waitFor({ state: "detached", timeout: 20000 });
await shot("18-contract-confirmed-en-desktop");
await next(page, "/onboarding/linked");
await page.locator("#go-billing").click(); await page.waitForURL("**/billing"); await circuit(page);
await page.locator("#entitlements").waitFor();
await shot("19-billing-entitlements-en-desktop");

await aws.locator("[id='sns-subscribe-success']").click(); await aws.locator("#event-result").waitFor();
await aws.locator("#meter-now").click(); await aws.waitForTimeout(500);
await aws.screenshot({ path: `${out}/21-simulator-aws-events-en-desktop.png`, fullPage: true });
await browser.close();
console.log("screenshots written to", out);
