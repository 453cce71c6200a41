using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Integration.Accounts;

/// <summary>The authenticator-app second factor with Identity's real TOTP, codes computed from the shared key per RFC 6238.</summary>
public sealed class TwoFactorTests : IAsyncLifetime
{
    private const string AdminEmail = "vera.vendor@example.com";
    private readonly PortalAppFactory app = new(new Dictionary<string, string?>
    {
        ["Admin:Emails:0"] = AdminEmail, ["Admin:RequireTwoFactor"] = "true",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        using var scope = app.Services.CreateScope();
        return await work(scope.ServiceProvider);
    }

    /// <summary>Enrolls <paramref name="email"/>'s account; returns the shared key and the recovery codes.</summary>
    private async Task<(string Key, IReadOnlyList<string> Codes)> EnrollAsync(string email) => await WithAsync(async sp =>
    {
        var users = sp.GetRequiredService<UserManager<ApplicationUser>>();
        var twoFactor = sp.GetRequiredService<TwoFactor>();
        var user = (await users.FindByEmailAsync(email))!;
        var setup = await twoFactor.SetupAsync(user);
        Assert.Null(await twoFactor.EnableAsync(user, "000000" == Totp.Now(setup.FormattedKey) ? "111111" : "000000"));
        var codes = await twoFactor.EnableAsync(user, Totp.Now(setup.FormattedKey));
        Assert.NotNull(codes);
        return (setup.FormattedKey, codes);
    });

    private Task<TwoFactorCheck> CheckAsync(string email, string code) => WithAsync(async sp =>
        await sp.GetRequiredService<TwoFactor>().CheckAsync((await sp.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!, code));

    [Fact]
    public async Task Enrolled_the_password_alone_no_longer_signs_in_and_the_apps_code_does()
    {
        await AdminTestData.CreateUserAsync(app, "ada@example.com");
        var (key, codes) = await EnrollAsync("ada@example.com");
        Assert.Equal(10, codes.Count);

        var (result, user) = await WithAsync(sp => sp.GetRequiredService<AccountService>().CheckPasswordAsync("ada@example.com", AdminTestData.Password));
        Assert.True(result.RequiresTwoFactor);
        Assert.False(result.Succeeded);
        Assert.NotNull(user);

        Assert.Equal(TwoFactorCheck.Wrong, await CheckAsync("ada@example.com", Totp.Code(key, DateTimeOffset.UtcNow.AddHours(-1))));
        Assert.Equal(TwoFactorCheck.Passed, await CheckAsync("ada@example.com", Totp.Now(key)));
    }

    [Fact]
    public async Task A_recovery_code_works_once()
    {
        await AdminTestData.CreateUserAsync(app, "ada@example.com");
        var (_, codes) = await EnrollAsync("ada@example.com");

        Assert.Equal(TwoFactorCheck.Passed, await CheckAsync("ada@example.com", codes[3].ToLowerInvariant()));
        Assert.Equal(TwoFactorCheck.Wrong, await CheckAsync("ada@example.com", codes[3]));
        Assert.Equal(9, await WithAsync(async sp => await sp.GetRequiredService<TwoFactor>()
            .RecoveryCodesLeftAsync((await sp.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("ada@example.com"))!)));
    }

    [Fact]
    public async Task Wrong_codes_lock_the_account_like_wrong_passwords()
    {
        await AdminTestData.CreateUserAsync(app, "ada@example.com");
        var (key, _) = await EnrollAsync("ada@example.com");
        var wrong = Totp.Code(key, DateTimeOffset.UtcNow.AddHours(-2));
        for (var i = 0; i < 4; i++) Assert.Equal(TwoFactorCheck.Wrong, await CheckAsync("ada@example.com", wrong));

        Assert.Equal(TwoFactorCheck.LockedOut, await CheckAsync("ada@example.com", wrong));
        Assert.Equal(TwoFactorCheck.LockedOut, await CheckAsync("ada@example.com", Totp.Now(key))); // even the right one, until the lockout ends
    }

    [Fact]
    public async Task Turning_it_off_needs_a_code_and_drops_the_key()
    {
        await AdminTestData.CreateUserAsync(app, "ada@example.com");
        var (key, _) = await EnrollAsync("ada@example.com");

        var (refused, off) = await WithAsync(async sp =>
        {
            var twoFactor = sp.GetRequiredService<TwoFactor>();
            var user = (await sp.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("ada@example.com"))!;
            return (await twoFactor.DisableAsync(user, "not-a-code"), await twoFactor.DisableAsync(user, Totp.Now(key)));
        });

        Assert.False(refused);
        Assert.True(off);
        await using var db = app.CreateDbContext();
        Assert.False((await db.Users.SingleAsync(u => u.Email == "ada@example.com")).TwoFactorEnabled);
        Assert.Equal(0, await db.UserTokens.CountAsync());
        var (result, _) = await WithAsync(sp => sp.GetRequiredService<AccountService>().CheckPasswordAsync("ada@example.com", AdminTestData.Password));
        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task With_Admin_RequireTwoFactor_an_admin_without_it_is_sent_to_enroll_and_gets_in_after()
    {
        await AdminTestData.CreateUserAsync(app, AdminEmail);
        var cookies = new CookieContainer();
        using var browser = app.CreateBrowser(cookies: cookies);
        await AdminTestData.SignInAsync(app, browser, cookies, AdminEmail);
        Assert.True(await AdminTestData.IsAdminAsync(app, (await WithAsync(sp => sp.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(AdminEmail)))!.Id));

        var sent = await browser.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal("/account/security?required=admin", sent.Headers.Location?.OriginalString);
        Assert.Contains("The vendor console needs two-step sign-in", WebUtility.HtmlDecode(await browser.GetStringAsync("/account/security?required=admin")));

        await EnrollAsync(AdminEmail);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task With_Admin_RequireTwoFactor_the_console_queries_refuse_an_admin_without_it()
    {
        var admin = await AdminTestData.CreateUserAsync(app, AdminEmail);
        await app.Services.GetRequiredService<Portal.Admin.AdminGrants>().EnsureConfiguredAsync(admin);
        await using (var scope = AdminTestData.ScopeAs(app, admin.Id))
            Assert.False(await scope.ServiceProvider.GetRequiredService<Portal.Admin.AdminAccess>().IsAdminAsync());
        await EnrollAsync(AdminEmail);
        await using (var scope = AdminTestData.ScopeAs(app, admin.Id))
            Assert.True(await scope.ServiceProvider.GetRequiredService<Portal.Admin.AdminAccess>().IsAdminAsync());
    }
}
