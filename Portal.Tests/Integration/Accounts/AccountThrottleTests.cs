using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Integration.Accounts;

/// <summary>
/// The account actions run in circuits, past the HTTP rate limiter, so they are limited in the services: per client
/// address and per targeted account, the same for accounts that exist and accounts that do not.
/// </summary>
public sealed class AccountThrottleTests
{
    private static PortalAppFactory App(int perClient, int perAccount) => new(new Dictionary<string, string?>
    {
        ["RateLimits:Enabled"] = "true",
        ["RateLimits:AccountsPerClient:PermitLimit"] = perClient.ToString(), ["RateLimits:AccountsPerClient:Window"] = "00:10:00",
        ["RateLimits:AccountsPerAccount:PermitLimit"] = perAccount.ToString(), ["RateLimits:AccountsPerAccount:Window"] = "00:10:00",
    });

    private static async Task<Exception?> SignInAsync(PortalAppFactory app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await Record.ExceptionAsync(() => scope.ServiceProvider.GetRequiredService<AccountService>().CheckPasswordAsync(email, "Wr0ng!Passw0rd"));
    }

    [Fact]
    public async Task One_account_is_limited_whoever_asks_and_whether_or_not_it_exists()
    {
        await using var app = App(perClient: 1000, perAccount: 3);
        await AdminTestData.CreateUserAsync(app, "target@example.com");
        foreach (var email in new[] { "target@example.com", "nobody@example.com" })
        {
            for (var i = 0; i < 3; i++) Assert.Null(await SignInAsync(app, email));
            var refused = Assert.IsType<AccountThrottledException>(await SignInAsync(app, email.ToUpperInvariant()));
            Assert.InRange(refused.Seconds, 1, 600);
        }
        Assert.Null(await SignInAsync(app, "someone.else@example.com")); // other accounts are not affected
    }

    [Fact]
    public async Task One_client_is_limited_across_accounts_and_each_action_has_its_own_budget()
    {
        await using var app = App(perClient: 4, perAccount: 1000);
        for (var i = 0; i < 4; i++) Assert.Null(await SignInAsync(app, $"spray{i}@example.com"));
        Assert.IsType<AccountThrottledException>(await SignInAsync(app, "spray9@example.com"));

        // Registration is another action: its own budget. A refused one writes nothing.
        await using var scope = app.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        for (var i = 0; i < 4; i++)
            Assert.NotNull((await accounts.RegisterAsync($"new{i}@example.com", "New", "Str0ng!Passw0rd")).User);
        await Assert.ThrowsAsync<AccountThrottledException>(() => accounts.RegisterAsync("new9@example.com", "New", "Str0ng!Passw0rd"));
        await using var db = app.CreateDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.Email == "new9@example.com"));
        Assert.Equal(4, await db.EmailMessages.CountAsync());
    }

    [Fact]
    public async Task Password_reset_requests_are_limited_per_address()
    {
        await using var app = App(perClient: 1000, perAccount: 2);
        await using var scope = app.Services.CreateAsyncScope();
        var resets = scope.ServiceProvider.GetRequiredService<PasswordResets>();
        await resets.RequestAsync("victim@example.com");
        await resets.RequestAsync("victim@example.com");
        await Assert.ThrowsAsync<AccountThrottledException>(() => resets.RequestAsync("victim@example.com"));
    }
}
