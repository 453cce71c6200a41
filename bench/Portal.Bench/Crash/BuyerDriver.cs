using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Portal.Bench.Crash;

/// <summary>
/// Walks one buyer through the whole wizard in Chromium, as the browser tests do (same selectors), but as a state
/// machine on the page it is shown: after a kill it reopens the page in the same browser context (same cookies) and
/// carries on from whatever step the portal says the onboarding is at. Going back a step, or "no setup in progress",
/// means the session could not be resumed.
/// </summary>
public sealed partial class BuyerDriver(IBrowser browser, VictimProcess victim, VictimDb db, Func<string, string> mintToken, string? evidence = null)
{
    private static readonly string[] Steps =
    [
        "/onboarding", "/onboarding/account", "/onboarding/verify-email", "/onboarding/business", "/onboarding/enterprise",
        "/onboarding/site", "/onboarding/organization", "/onboarding/workspace", "/onboarding/review", "/onboarding/linked",
    ];
    /// <summary>Attempts at one step that failed while the portal stayed up, before calling the step stuck.</summary>
    private const int MaxStallsPerStep = 6;
    /// <summary>Attempts at one step in all (kills included): a bound, so a run always ends.</summary>
    private const int MaxAttemptsPerStep = 200;

    public async Task RunAsync(CrashOnboarding o)
    {
        if (Stopped) return;
        await using var context = await browser.NewContextAsync(new()
        {
            BaseURL = victim.BaseAddress.ToString(), Locale = "en-US", ViewportSize = new() { Width = 1280, Height = 800 },
        });
        contexts[o.Index] = context;
        try { await DriveAsync(context, o); }
        finally
        {
            contexts.TryRemove(o.Index, out _);
            if (Stopped && o.Outcome == OnboardingOutcome.Running) o.Finish(OnboardingOutcome.Failed, "stopped by the watchdog: " + o.LastError);
        }
    }

    private async Task DriveAsync(IBrowserContext context, CrashOnboarding o)
    {
        // Generous: the machine may be shared and loaded; a stall is only counted when the portal stayed up meanwhile.
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(45_000);
        if (!await LandAsync(context, o)) return;

        var page = o.Page = await context.NewPageAsync();
        string url = "/onboarding";
        int furthest = 0, attempts = 0, stalls = 0;
        var reopen = true;
        while (o.Outcome == OnboardingOutcome.Running && !Stopped)
        {
            if (++attempts > MaxAttemptsPerStep || stalls > MaxStallsPerStep)
            {
                o.Finish(OnboardingOutcome.NotResumable, $"no progress at {url} after {attempts - 1} attempts ({stalls} without a kill): {o.LastError}");
                return;
            }
            var killsBefore = victim.Kills;
            try
            {
                if (reopen)
                {
                    // What a buyer does after an outage: open the page again, in the same browser (same cookies).
                    await victim.WaitUpAsync();
                    await page.CloseAsync();
                    page = o.Page = await context.NewPageAsync();
                    await Guard(() => page.GotoAsync(url));
                    reopen = false;
                }
                await Guard(() => SettleAsync(page));
                var path = new Uri(page.Url).AbsolutePath;
                if (await page.GetByText("No setup in progress").IsVisibleAsync())
                {
                    o.Finish(OnboardingOutcome.NotResumable, $"\"No setup in progress\" at {path} (last step {Steps[furthest]})");
                    return;
                }
                var index = Array.IndexOf(Steps, path);
                if (index >= 0)
                {
                    if (index < furthest)
                    {
                        o.Finish(OnboardingOutcome.NotResumable, $"the wizard went back from {Steps[furthest]} to {path}");
                        return;
                    }
                    if (index > furthest)
                    {
                        (attempts, stalls) = (1, 0);
                        victim.Advanced();
                    }
                    furthest = index;
                    url = path;
                }
                await Guard(() => ActAsync(page, path, o));
            }
            catch (Exception e) when (e is VictimDiedException or PlaywrightException or TimeoutException)
            {
                reopen = true;
                o.Reloads++;
                o.LastError = $"{url}: {e.GetType().Name}: {e.Message.Split('\n')[0]}";
                if (victim.Kills == killsBefore && e is not VictimDiedException && !Stopped)
                {
                    stalls++;
                    o.LastError += await WhatThePageSaysAsync(page, o, stalls);
                    o.Stalls.Add(o.LastError);
                }
            }
        }
    }

    /// <summary>Posts the token like AWS's page does; a landing cut off by a kill is posted again with the same token.</summary>
    private async Task<bool> LandAsync(IBrowserContext context, CrashOnboarding o)
    {
        var token = mintToken(o.AccountId);
        for (var attempt = 1; attempt <= MaxAttemptsPerStep; attempt++)
        {
            await victim.WaitUpAsync();
            try
            {
                var form = context.APIRequest.CreateFormData().Set("x-amzn-marketplace-token", token);
                IAPIResponse? response = null;
                await Guard(async () => response = await context.APIRequest.PostAsync("/marketplace/landing", new() { Form = form, MaxRedirects = 0 }));
                if (response!.Status == 303)
                {
                    o.Landed = true;
                    return true;
                }
            }
            catch (Exception e) when (e is VictimDiedException or PlaywrightException or TimeoutException) { }
            o.Reloads++;
            await Task.Delay(200);
        }
        o.Finish(OnboardingOutcome.Failed, "the landing never answered 303");
        return false;
    }

    /// <summary>Runs a browser action, or gives up on it the moment the portal is killed (no waiting for timeouts).</summary>
    private async Task Guard(Func<Task> action)
    {
        var killed = victim.NextKill;
        var task = action();
        if (await Task.WhenAny(task, killed) != task)
        {
            _ = task.ContinueWith(t => _ = t.Exception, TaskScheduler.Default); // the page is closed next; its error is expected
            throw new VictimDiedException();
        }
        await task;
    }

    private static async Task SettleAsync(IPage page)
    {
        await page.Locator("h1").First.WaitForAsync(new() { Timeout = 30_000 });
        await page.Locator("[data-circuit=on]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    private async Task ActAsync(IPage page, string path, CrashOnboarding o)
    {
        // A kill can cut the sign-in hand-off after it saved the step but before the cookie reached the browser: the
        // wizard then asks this browser to sign in again, as it would ask the buyer.
        var signIn = page.Locator("#onboarding-signin-continue");
        if (await signIn.IsVisibleAsync())
        {
            o.SignInsAgain++;
            await SubmitAsync(page, "#onboarding-signin-continue", path);
            return;
        }
        switch (path)
        {
            case "/onboarding":
                await SubmitAsync(page, "#start-continue", path);
                break;
            case "/onboarding/account":
                if (await page.Locator("input[name=register-email]").CountAsync() == 0)
                    await SubmitAsync(page, "#account-continue", path); // signed in already: "Continue"
                else if (await UserExistsAsync(o.Email))
                {
                    await page.GetByRole(AriaRole.Tab, new() { Name = "Sign in" }).ClickAsync();
                    await SignInAsync(page, o, path);
                }
                else await RegisterAsync(page, o, path);
                break;
            case "/account/signin":
                await SignInAsync(page, o, path);
                break;
            case "/onboarding/verify-email":
                await VerifyAsync(page, o, path);
                break;
            case "/onboarding/business":
                await page.Locator("input[name=company]").FillAsync($"Crash Trading {o.Index}");
                await PickAsync(page, "role", "Engineering");
                await PickAsync(page, "size", "51–200 employees");
                await CompleteAsync(page, "country", "Japan");
                await page.Locator("textarea[name=usecase]").FillAsync("Crash testing");
                await SubmitAsync(page, "#step-submit", path);
                break;
            case "/onboarding/enterprise":
                await page.Locator("input[name=legal]").FillAsync($"Crash Trading {o.Index} Ltd.");
                await PickAsync(page, "industry", "Retail");
                await page.Locator("textarea[name=address]").FillAsync("1-2-3 Shibuya, Tokyo");
                await page.Locator("input[name=billingemail]").FillAsync("billing@example.com");
                await SubmitAsync(page, "#step-submit", path);
                break;
            case "/onboarding/site":
                await page.Locator("label:has(input[name=site][value=cn-northwest-1])").ClickAsync();
                await SubmitAsync(page, "#step-submit", path);
                break;
            case "/onboarding/organization":
                await page.Locator("input[name=org-name]").FillAsync(o.OrganizationName);
                await SubmitAsync(page, "#step-submit", path);
                break;
            case "/onboarding/workspace":
                await page.Locator("input[name=ws-name]").FillAsync("Production");
                await PickAsync(page, "ws-language", "日本語");
                await SubmitAsync(page, "#step-submit", path);
                break;
            case "/onboarding/review":
                await SubmitAsync(page, "#step-submit", path);
                break;
            case "/onboarding/linked":
                await SubmitAsync(page, "#go-billing", path);
                break;
            default:
                if (BillingPath().Match(path) is { Success: true } billing)
                {
                    await page.GetByText("Billed through AWS Marketplace").WaitForAsync(new() { Timeout = 30_000 });
                    o.OrganizationId = Guid.Parse(billing.Groups[1].Value);
                    victim.Advanced();
                    o.Finish(OnboardingOutcome.Completed);
                    return;
                }
                throw new TimeoutException($"Unexpected page {path}");
        }
    }

    private async Task RegisterAsync(IPage page, CrashOnboarding o, string path)
    {
        await page.GetByRole(AriaRole.Tab, new() { Name = "Create account" }).ClickAsync();
        await page.Locator("input[name=register-name]").FillAsync($"Crash Buyer {o.Index}");
        await page.Locator("input[name=register-email]").FillAsync(o.Email);
        await page.Locator("input[name=register-password]").FillAsync(CrashOnboarding.Password);
        await page.Locator("input[name=register-confirm]").FillAsync(CrashOnboarding.Password);
        await page.Locator("input[name=register-terms]").CheckAsync();
        await SubmitAsync(page, "#register-submit", path);
    }

    private static async Task SignInAsync(IPage page, CrashOnboarding o, string path)
    {
        await page.Locator("input[name=signin-email]").FillAsync(o.Email);
        await page.Locator("input[name=signin-password]").FillAsync(CrashOnboarding.Password);
        await SubmitAsync(page, "#signin-submit", path);
    }

    /// <summary>The code of the newest e-mail, as the buyer reads it; none yet (killed before it was kept) → resend.</summary>
    private async Task VerifyAsync(IPage page, CrashOnboarding o, string path)
    {
        await using var ctx = db.CreateDbContext();
        var mails = await ctx.EmailMessages.AsNoTracking().Where(m => m.To == o.Email).Select(m => new { m.CreatedAt, m.TextBody }).ToListAsync();
        var code = mails.OrderByDescending(m => m.CreatedAt).Select(m => Regex.Match(m.TextBody, @"\b\d{6}\b").Value).FirstOrDefault(c => c.Length == 6);
        // Like a buyer whose code keeps failing: every third try asks for a new one first.
        if (code is null || ++o.VerifyAttempts % 3 == 0)
        {
            await page.Locator("#verify-resend:not([aria-disabled=true]):not([disabled])").ClickAsync(new() { Timeout = 30_000 });
            await page.WaitForTimeoutAsync(500);
            throw new TimeoutException(code is null ? "no code yet: resent" : "code did not work: resent");
        }
        await page.Locator("input[name=verify-code]").FillAsync(code);
        await SubmitAsync(page, "#verify-submit", path);
    }

    private async Task<bool> UserExistsAsync(string email)
    {
        await using var ctx = db.CreateDbContext();
        return await ctx.Users.AsNoTracking().AnyAsync(u => u.Email == email);
    }

    /// <summary>
    /// Clicks and waits until the page is no longer <paramref name="path"/>. As in the browser tests, a click lost while
    /// the circuit swaps the prerendered button for the live one is repeated (a second submit of a taken step is ignored).
    /// </summary>
    private static async Task SubmitAsync(IPage page, string selector, string path)
    {
        var button = page.Locator(selector).First;
        for (var attempt = 1; ; attempt++)
        {
            await button.ClickAsync();
            try
            {
                await page.WaitForURLAsync(u => new Uri(u).AbsolutePath != path, new() { Timeout = 30_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 2)
            {
                if (!await button.IsVisibleAsync()) throw;
            }
        }
    }

    [GeneratedRegex(@"^/organizations/([0-9a-fA-F-]{36})/billing$")]
    private static partial Regex BillingPath();
}
