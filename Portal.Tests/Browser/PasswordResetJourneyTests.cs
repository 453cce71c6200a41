using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Email;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Browser;

/// <summary>
/// In Chromium: "Forgot your password?" from the sign-in form, the same answer for any address, the mailed link,
/// a new password, sign-in with it, and "sign out everywhere" ending another browser's session.
/// </summary>
public sealed partial class PasswordResetJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new(new Dictionary<string, string?> { ["Accounts:SessionRevalidation"] = "00:00:00" });

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Forgotten_password_is_reset_by_the_mailed_link_and_sign_out_everywhere_ends_other_browsers()
    {
        await AdminTestData.CreateUserAsync(app, "forgetful@example.com");
        var page = await (await browser.Browser.NewContextAsync(app)).NewPageAsync();
        await page.GotoAsync("account/signin");
        await page.WaitForCircuitAsync();
        await page.ClickAndWaitForUrlAsync(page.Locator("#signin-forgot"), "**/account/forgot");
        await page.WaitForCircuitAsync();
        await page.ShotAsync("80-forgot-password");

        // An address without an account reads exactly the same.
        foreach (var email in new[] { "ghost@example.com", "forgetful@example.com" })
        {
            if (email != "ghost@example.com") { await page.ReloadAsync(); await page.WaitForCircuitAsync(); }
            await page.Locator("input[name=forgot-email]").FillAsync(email);
            await page.Locator("#forgot-submit").ClickAsync();
            await Assertions.Expect(page.Locator("#forgot-sent")).ToContainTextAsync($"If an account exists for {email}");
        }
        await page.ShotAsync("81-forgot-password-sent");

        await using var db = app.CreateDbContext();
        var mail = await db.EmailMessages.AsNoTracking().SingleAsync(m => m.To == "forgetful@example.com");
        Assert.Equal(EmailKinds.PasswordReset, mail.Kind);
        Assert.False(await db.EmailMessages.AnyAsync(m => m.To == "ghost@example.com"));
        var link = new Uri(Link().Match(mail.TextBody).Value);

        await page.GotoAsync(app.BaseAddress + link.PathAndQuery.TrimStart('/'));
        await page.WaitForCircuitAsync();
        await page.ShotAsync("82-reset-password");
        await page.Locator("input[name=reset-password]").FillAsync("N3w!Passw0rd!");
        await page.Locator("input[name=reset-confirm]").FillAsync("N3w!Passw0rd!");
        await page.Locator("#reset-submit").ClickAsync();
        await page.Locator("#reset-changed").WaitForAsync();
        await page.ShotAsync("83-reset-password-done");

        // The link is spent.
        await page.GotoAsync(app.BaseAddress + link.PathAndQuery.TrimStart('/'));
        await page.WaitForCircuitAsync();
        await page.Locator("input[name=reset-password]").FillAsync("Thi3d!Passw0rd");
        await page.Locator("input[name=reset-confirm]").FillAsync("Thi3d!Passw0rd");
        await page.Locator("#reset-submit").ClickAsync();
        await page.Locator("#reset-invalid").WaitForAsync();

        // Signed in on two browsers with the new password; one signs out everywhere, the other is signed out too.
        var first = await SignInAsync("forgetful@example.com", "N3w!Passw0rd!");
        var second = await SignInAsync("forgetful@example.com", "N3w!Passw0rd!");
        await first.GotoAsync("account/security");
        await first.Locator("#signout-everywhere").WaitForAsync();
        await first.ShotAsync("84-account-security");
        await first.ClickAndWaitForUrlAsync(first.Locator("#signout-everywhere"), "**/account/signin?signedout=everywhere");
        await first.Locator("#signed-out-everywhere").WaitForAsync();
        await second.GotoAsync("account/security");
        await Assertions.Expect(second.GetByText("You are not signed in.")).ToBeVisibleAsync();
    }

    private async Task<IPage> SignInAsync(string email, string password)
    {
        var page = await (await browser.Browser.NewContextAsync(app)).NewPageAsync();
        await page.GotoAsync("account/signin?returnUrl=%2Faccount%2Fsecurity");
        await page.WaitForCircuitAsync();
        await page.Locator("input[name=signin-email]").FillAsync(email);
        await page.Locator("input[name=signin-password]").FillAsync(password);
        await page.ClickAndWaitForUrlAsync(page.Locator("#signin-submit"), "**/account/security");
        await page.GetByText($"Signed in as {email}.").WaitForAsync();
        return page;
    }

    [GeneratedRegex(@"https?://\S+/account/reset\?\S+")]
    private static partial Regex Link();
}

/// <summary>The circuit's account actions are limited per client address, which a live circuit must really know.</summary>
public sealed class AccountThrottleBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new(new Dictionary<string, string?>
    {
        ["RateLimits:Enabled"] = "true", ["RateLimits:AccountsPerClient:PermitLimit"] = "1", ["RateLimits:AccountsPerClient:Window"] = "00:10:00",
    });

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Too_many_sign_ins_from_one_browser_get_a_wait_message_keyed_by_its_address()
    {
        var page = await (await browser.Browser.NewContextAsync(app)).NewPageAsync();
        await page.GotoAsync("account/signin");
        await page.WaitForCircuitAsync();
        await page.Locator("input[name=signin-email]").FillAsync("guess0@example.com");
        await page.Locator("input[name=signin-password]").FillAsync("Wr0ng!Passw0rd");
        await page.Locator("#signin-submit").ClickAsync();
        await page.GetByText("The e-mail address or password is incorrect.").WaitForAsync();
        await page.Locator("input[name=signin-email]").FillAsync("guess9@example.com");
        await page.Locator("#signin-submit").ClickAsync();
        await page.GetByText("Too many attempts. Please wait").WaitForAsync();
        await page.ShotAsync("85-too-many-attempts");

        // The circuit's partition was its client address: a caller without one (this test's own scope) is not refused.
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Portal.Accounts.AccountService>().CheckPasswordAsync("other@example.com", "Wr0ng!Passw0rd");
    }
}
