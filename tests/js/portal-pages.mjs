// Moves shared by the screenshot scripts: the portal's MudBlazor markup driven like a buyer would.
import { chromium } from "playwright-core";

export const launch = () => chromium.launch({
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
export const circuit = page => page.locator("[data-circuit=on]").waitFor({ state: "attached", timeout: 30000 });
/**
 * Waits until the option list has closed. The autocomplete searches on focus and again on the click; on a loaded
 * machine the second search can open the list again after the pick, and its overlay would take the next click.
 * Escape closes it and keeps the value, as it does for a person.
 */
async function listClosed(page, name) {
  const open = page.locator(".mud-popover-open");
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await open.waitFor({ state: "detached", timeout: 3000 }).then(() => true, () => false)) return;
    await page.locator(`input[name=${name}]`).press("Escape");
  }
  await open.waitFor({ state: "detached", timeout: 5000 });
}
/** A MudSelect: its input carries the name; the list opens in a popover with role=option items. */
export async function pick(page, name, index = 0) {
  await page.locator(`input[name=${name}]`).click();
  await page.locator(".mud-popover-open [role=option]").nth(index).click();
  await listClosed(page, name);
}
/** The country MudAutocomplete: type, then take the first match. */
export async function complete(page, name, text) {
  await page.locator(`input[name=${name}]`).fill(text);
  await page.locator(".mud-popover-open [role=option]").first().click();
  await listClosed(page, name);
}
export async function next(page, path) {
  await page.locator("#step-submit").click();
  await page.waitForURL("**" + path, { timeout: 30000 });
  await circuit(page);
}
export async function land(context, { product } = {}) {
  const page = await context.newPage();
  await page.goto("/dev/marketplace"); await circuit(page);
  if (product !== undefined) await pick(page, "product", product);
  await page.locator("#subscribe").click(); await page.locator("#setup-account").click();
  await page.waitForURL("**/onboarding"); await circuit(page);
  return page;
}
export async function openRegister(page) {
  await page.locator(".portal-actions button").first().click(); await page.waitForURL("**/onboarding/account"); await circuit(page);
  await page.getByRole("tab").nth(1).click();
}
export async function fillRegister(page, name, email) {
  await page.locator("input[name=register-name]").fill(name);
  await page.locator("input[name=register-email]").fill(email);
  await page.locator("input[name=register-password]").fill("Str0ng!Passw0rd");
  await page.locator("input[name=register-confirm]").fill("Str0ng!Passw0rd");
  await page.locator("input[name=register-terms]").check();
}
export async function codeFor(context, email) {
  const mailbox = await context.newPage();
  await mailbox.goto("/dev/mailbox");
  const text = await mailbox.locator("details", { hasText: email }).first().locator("pre").innerText();
  await mailbox.close();
  return text.match(/\b\d{6}\b/)[0];
}
export async function verify(page, context, email) {
  await page.locator("input[name=verify-code]").fill(await codeFor(context, email));
  await page.locator("#verify-submit").click(); await page.waitForURL("**/onboarding/business"); await circuit(page);
}
export async function business(page, company, locale = "en") {
  await page.locator("input[name=company]").fill(company);
  await pick(page, "role"); await pick(page, "size", 2); await complete(page, "country", locale === "en" ? "Japan" : "日本");
  await page.locator("textarea[name=usecase]").fill("Monitoring our online shop");
  await page.locator("input[name=company]").focus(); // leave the last field, as a buyer moving on would
  await page.waitForTimeout(500);
}
export async function enterprise(page, legal) {
  await page.locator("input[name=legal]").fill(legal);
  await pick(page, "industry", 2);
  await page.locator("textarea[name=address]").fill("1-2-3 Shibuya, Tokyo");
  await page.locator("input[name=billingemail]").fill("billing@example.com");
}
