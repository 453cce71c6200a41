using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Audit;
using Portal.Email;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Integration.Accounts;

/// <summary>
/// Accounts against enumeration and takeover: registration and sign-in answer the same for addresses with and
/// without accounts (the owner learns by e-mail), wrong passwords lock and tell the owner once, and a password reset
/// by e-mail works once and signs the account out elsewhere.
/// </summary>
public sealed partial class AccountHardeningTests : IAsyncLifetime
{
    private readonly PortalAppFactory app = new(new Dictionary<string, string?> { ["Accounts:SessionRevalidation"] = "00:00:00", ["Portal:PublicBaseUrl"] = "https://portal.example/" });

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> act)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await act(scope.ServiceProvider);
    }

    private async Task<List<EmailMessage>> MailsToAsync(string to)
    {
        await using var db = app.CreateDbContext();
        return await db.EmailMessages.AsNoTracking().Where(m => m.To == to).OrderBy(m => m.CreatedAt).ToListAsync();
    }

    [Fact]
    public async Task Registering_an_address_that_has_an_account_creates_nothing_and_tells_its_owner()
    {
        var owner = await AdminTestData.CreateUserAsync(app, "owner@example.com");
        var result = await WithAsync(sp => sp.GetRequiredService<AccountService>()
            .RegisterAsync(" OWNER@example.com ", "Somebody Else", "An0ther!Passw0rd"));

        Assert.True(result.AlreadyRegistered);
        Assert.Null(result.User);
        Assert.Empty(result.Errors);
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Users.CountAsync());
        var mail = Assert.Single(await MailsToAsync("owner@example.com"));
        Assert.Equal(EmailKinds.AccountExists, mail.Kind);
        Assert.Contains("https://portal.example/account/forgot", mail.TextBody);
        Assert.DoesNotMatch(@"\b\d{6}\b", mail.TextBody); // no code that could verify anything
        // The owner's password is untouched: the stranger's password does not sign in.
        var (signIn, _) = await WithAsync(sp => sp.GetRequiredService<AccountService>().CheckPasswordAsync("owner@example.com", "An0ther!Passw0rd"));
        Assert.False(signIn.Succeeded);
        Assert.Equal(owner.Id, (await db.Users.SingleAsync()).Id);
    }

    [Fact]
    public async Task Unknown_address_wrong_password_and_locked_account_look_the_same_and_the_owner_is_told_once()
    {
        await AdminTestData.CreateUserAsync(app, "locked@example.com");
        async Task<SignInResult> TryAsync(string email, string password) =>
            (await WithAsync(sp => sp.GetRequiredService<AccountService>().CheckPasswordAsync(email, password))).Result;

        Assert.Equal(SignInResult.Failed.ToString(), (await TryAsync("nobody@example.com", "Wr0ng!Passw0rd")).ToString());
        for (var i = 0; i < 4; i++) Assert.False((await TryAsync("locked@example.com", "Wr0ng!Passw0rd")).Succeeded);
        var fifth = await TryAsync("locked@example.com", "Wr0ng!Passw0rd");
        Assert.True(fifth.IsLockedOut);
        Assert.False((await TryAsync("locked@example.com", AdminTestData.Password)).Succeeded); // locked: even the right one
        Assert.False((await TryAsync("locked@example.com", "Wr0ng!Passw0rd")).Succeeded);

        var mail = Assert.Single(await MailsToAsync("locked@example.com"));
        Assert.Equal(EmailKinds.AccountLocked, mail.Kind);
        Assert.Contains("15", mail.TextBody);
        Assert.Empty(await MailsToAsync("nobody@example.com"));
    }

    [Fact]
    public async Task Asking_for_a_reset_costs_the_same_rows_either_way_and_only_an_account_gets_a_link()
    {
        await AdminTestData.CreateUserAsync(app, "reset@example.com");
        await WithAsync(async sp => { await sp.GetRequiredService<PasswordResets>().RequestAsync("reset@example.com"); return 0; });
        await WithAsync(async sp => { await sp.GetRequiredService<PasswordResets>().RequestAsync("ghost@example.com"); return 0; });

        await using var db = app.CreateDbContext();
        var audits = await db.AuditEvents.AsNoTracking().Where(a => a.Type == AuditEventTypes.PasswordResetRequested).ToListAsync();
        Assert.Equal(2, audits.Count);
        Assert.DoesNotContain(audits, a => (a.Details ?? "").Contains("ghost@example.com"));
        Assert.Equal(EmailKinds.PasswordReset, Assert.Single(await MailsToAsync("reset@example.com")).Kind);
        Assert.Empty(await MailsToAsync("ghost@example.com"));
    }

    [Fact]
    public async Task A_reset_link_works_once_unlocks_verifies_and_signs_out_every_other_browser()
    {
        var user = await AdminTestData.CreateUserAsync(app, "forgetful@example.com", verified: false);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(user.Id))!, DateTimeOffset.UtcNow.AddMinutes(10));
        }
        // A browser signed in before the reset (verified for the sign-in page, then back to unverified is not needed:
        // the ticket path does not look at verification).
        var cookies = new CookieContainer();
        using var other = app.CreateBrowser(cookies: cookies);
        await SignInWithTicketAsync(other, cookies, user.Id);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/account/security")).StatusCode);
        Assert.Contains("forgetful@example.com", WebUtility.HtmlDecode(await other.GetStringAsync("/account/security")));

        await WithAsync(async sp => { await sp.GetRequiredService<PasswordResets>().RequestAsync("forgetful@example.com"); return 0; });
        var link = LinkPattern().Match(Assert.Single(await MailsToAsync("forgetful@example.com")).TextBody);
        Assert.True(link.Success);
        var (uid, token) = (Uri.UnescapeDataString(link.Groups["uid"].Value), link.Groups["token"].Value);

        var first = await WithAsync(sp => sp.GetRequiredService<PasswordResets>().ResetAsync(uid, token, "N3w!Passw0rd!"));
        Assert.Equal(ResetResult.Changed, first.Result);
        var again = await WithAsync(sp => sp.GetRequiredService<PasswordResets>().ResetAsync(uid, token, "Thi3d!Passw0rd"));
        Assert.Equal(ResetResult.InvalidLink, again.Result);
        var forged = await WithAsync(sp => sp.GetRequiredService<PasswordResets>().ResetAsync(uid, token[..^4] + "AAAA", "Thi3d!Passw0rd"));
        Assert.Equal(ResetResult.InvalidLink, forged.Result);

        var accounts = (Func<string, Task<SignInResult>>)(async pw => (await WithAsync(sp => sp.GetRequiredService<AccountService>().CheckPasswordAsync("forgetful@example.com", pw))).Result);
        Assert.True((await accounts("N3w!Passw0rd!")).Succeeded); // unlocked, new password
        Assert.False((await accounts(AdminTestData.Password)).Succeeded);
        await using (var db = app.CreateDbContext())
            Assert.True((await db.Users.SingleAsync(u => u.Id == user.Id)).EmailConfirmed); // the link proved the address

        // The browser signed in before the reset is signed out (its security stamp is stale).
        var page = WebUtility.HtmlDecode(await other.GetStringAsync("/account/security"));
        Assert.DoesNotContain("forgetful@example.com", page);
        Assert.Contains("You are not signed in.", page);
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_every_browser_of_the_account_and_needs_the_antiforgery_token()
    {
        var user = await AdminTestData.CreateUserAsync(app, "many.devices@example.com");
        var (jarA, jarB) = (new CookieContainer(), new CookieContainer());
        using var a = app.CreateBrowser(cookies: jarA);
        using var b = app.CreateBrowser(cookies: jarB);
        await SignInWithTicketAsync(a, jarA, user.Id);
        await SignInWithTicketAsync(b, jarB, user.Id);

        var page = await a.GetStringAsync("/account/security");
        Assert.Contains("Sign out everywhere", page);
        // Without the token (a foreign page posting the form): refused, nobody signed out.
        Assert.Equal(HttpStatusCode.BadRequest, (await a.PostAsync("/account/signout-everywhere", new FormUrlEncodedContent([]))).StatusCode);
        Assert.Contains("many.devices@example.com", WebUtility.HtmlDecode(await b.GetStringAsync("/account/security")));

        var token = AntiforgeryPattern().Match(page).Groups[1].Value;
        Assert.NotEmpty(token);
        var done = await a.PostAsync("/account/signout-everywhere", new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token))]));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/account/signin?signedout=everywhere", done.Headers.Location?.OriginalString);

        foreach (var browser in new[] { a, b })
            Assert.Contains("You are not signed in.", WebUtility.HtmlDecode(await browser.GetStringAsync("/account/security")));
        await using var db = app.CreateDbContext();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == AuditEventTypes.SignedOutEverywhere && e.Actor == $"user {user.Id}"));
    }

    /// <summary>The standalone sign-in page's hand-off, with a ticket issued for the browser's binding.</summary>
    private async Task SignInWithTicketAsync(HttpClient browser, CookieContainer cookies, string userId)
    {
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/signin")).StatusCode);
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Request.Headers.Cookie = $"{SignInBinding.Name}={cookies.GetCookies(app.BaseAddress)[SignInBinding.Name]!.Value}";
        var bound = app.Services.GetRequiredService<SignInBinding>().Read(http)!.Value;
        var ticket = await WithAsync(sp => sp.GetRequiredService<AccountService>().IssueTicketAsync(userId, bound));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync($"/account/signin/complete?ticket={Uri.EscapeDataString(ticket)}&returnUrl=/")).StatusCode);
    }

    [GeneratedRegex(@"/account/reset\?uid=(?<uid>[^&\s]+)&token=(?<token>[A-Za-z0-9_\-]+)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"name=""__RequestVerificationToken"" value=""([^""]+)""")]
    private static partial Regex AntiforgeryPattern();
}
