// The contract journey and what AWS does afterwards, against a running portal (the README's run command):
// a contract AWS confirms late (the review page waits, then moves on by itself), the billing page with its
// entitlements, and the simulator's lifecycle and metering panel.
// Usage: node tests/js/contract-screenshots.mjs http://127.0.0.1:5080 docs/screenshots
import { chromium } from "playwright-core";

const [base = "http://127.0.0.1:5080", out = "docs/screenshots"] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
const circuit = page => page.locator("[data-circuit=on]").waitFor({ state: "attached", timeout: 30000 });
const pick = async (page, name, index = 0) => {
  await page.locator(`.rz-dropdown:has(input[name=${name}])`).click();
  await page.locator(".rz-popup:visible .rz-dropdown-item").nth(index).click();
};
const next = async (page, path) => { await page.locator("#step-submit").click(); await page.waitForURL("**" + path); await circuit(page); };

const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 }, locale: "en" });
const page = await context.newPage();
const shot = name => page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
const email = `contract.${Date.now()}@example.com`;

await page.goto("/dev/marketplace"); await circuit(page);
await pick(page, "product", 1);
await page.locator("[role=radio]").nth(1).click();
await page.locator(".rz-chkbox:has(input[name=defer])").click();
await page.locator("#subscribe").click(); await page.locator("#setup-account").click();
await page.waitForURL("**/onboarding"); await circuit(page);
await page.locator(".portal-actions button").first().click(); await page.waitForURL("**/onboarding/account"); await circuit(page);
await page.locator(".rz-tabview-nav li").nth(1).click();
await page.locator("input[name=register-name]").fill("Grace Buyer");
await page.locator("input[name=register-email]").fill(email);
await page.locator("input[name=register-password]").fill("Str0ng!Passw0rd");
await page.locator("input[name=register-confirm]").fill("Str0ng!Passw0rd");
await page.locator(".rz-chkbox:has(input[name=register-terms])").click();
await page.locator("#register-submit").click(); await page.waitForURL("**/onboarding/verify-email"); await circuit(page);
const mailbox = await context.newPage();
await mailbox.goto("/dev/mailbox");
const text = await mailbox.locator("details", { hasText: email }).first().locator("pre").innerText();
await page.locator("input[name=verify-code]").fill(text.match(/\b\d{6}\b/)[0]);
await page.locator("#verify-submit").click(); await page.waitForURL("**/onboarding/business"); await circuit(page);
await page.locator("input[name=company]").fill("Contoso Health");
await pick(page, "role"); await pick(page, "size", 3); await pick(page, "country", 5);
await page.locator("textarea[name=usecase]").fill("Clinic monitoring");
await next(page, "/onboarding/enterprise");
await page.locator("input[name=legal]").fill("Contoso Health Inc.");
await pick(page, "industry", 1);
await page.locator("textarea[name=address]").fill("1 Main St, Seattle");
await page.locator("input[name=billingemail]").fill("billing@contoso.example");
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
