using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Admin;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Admin;

/// <summary>Granting and revoking VendorAdmin from the console's administrators tab, on a real SQLite file.</summary>
public sealed class AdminUsersTests : IAsyncLifetime
{
    private readonly PortalAppFactory app = new(new Dictionary<string, string?> { ["Admin:Emails:0"] = "root@example.com" });
    private string rootId = "";

    public async Task InitializeAsync()
    {
        _ = app.BaseAddress;
        var root = await AdminTestData.CreateUserAsync(app, "root@example.com");
        Assert.True(await app.Services.GetRequiredService<AdminGrants>().EnsureConfiguredAsync(root));
        rootId = root.Id;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Grant_VerifiedUser_GrantedAuditedAndListed()
    {
        var colleague = await AdminTestData.CreateUserAsync(app, "colleague@example.com");
        await using var scope = AdminTestData.ScopeAs(app, rootId);
        var users = scope.ServiceProvider.GetRequiredService<AdminUsers>();

        Assert.Equal(GrantResult.Granted, await users.GrantAsync(" Colleague@Example.com "));
        Assert.Equal(GrantResult.AlreadyAdmin, await users.GrantAsync("colleague@example.com"));

        Assert.True(await AdminTestData.IsAdminAsync(app, colleague.Id));
        var listed = await users.ListAsync();
        Assert.Equal(["colleague@example.com", "root@example.com"], listed.Select(a => a.Email));
        Assert.Equal([false, true], listed.Select(a => a.Configured));
        await using var db = app.CreateDbContext();
        var audit = await db.AuditEvents.Where(e => e.Type == AdminGrants.GrantedEvent && e.Actor == rootId).SingleAsync();
        Assert.Equal("colleague@example.com", audit.Details);
    }

    [Fact]
    public async Task Grant_UnknownOrUnverified_Refused()
    {
        var unverified = await AdminTestData.CreateUserAsync(app, "new@example.com", verified: false);
        await using var scope = AdminTestData.ScopeAs(app, rootId);
        var users = scope.ServiceProvider.GetRequiredService<AdminUsers>();

        Assert.Equal(GrantResult.UnknownUser, await users.GrantAsync("nobody@example.com"));
        Assert.Equal(GrantResult.NotVerified, await users.GrantAsync("new@example.com"));

        Assert.False(await AdminTestData.IsAdminAsync(app, unverified.Id));
    }

    [Fact]
    public async Task Revoke_GrantedAdmin_RevokedThenLastAndConfiguredRefused()
    {
        var colleague = await AdminTestData.CreateUserAsync(app, "colleague@example.com");
        await using var scope = AdminTestData.ScopeAs(app, rootId);
        var users = scope.ServiceProvider.GetRequiredService<AdminUsers>();
        await users.GrantAsync("colleague@example.com");

        Assert.Equal(RevokeResult.Configured, await users.RevokeAsync(rootId));
        Assert.Equal(RevokeResult.Revoked, await users.RevokeAsync(colleague.Id));
        Assert.Equal(RevokeResult.NotAdmin, await users.RevokeAsync(colleague.Id));

        Assert.False(await AdminTestData.IsAdminAsync(app, colleague.Id));
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Type == AdminGrants.RevokedEvent));
    }

    [Fact]
    public async Task Revoke_LastAdmin_Refused()
    {
        // The configured root is only an admin by grant here (configuration cleared), so the last-admin rule decides.
        await using var other = new PortalAppFactory();
        _ = other.BaseAddress;
        var only = await AdminTestData.CreateUserAsync(other, "only@example.com");
        var second = await AdminTestData.CreateUserAsync(other, "second@example.com");
        await using (var db = other.CreateDbContext())
        {
            var roleId = await db.Roles.Where(r => r.NormalizedName == "VENDORADMIN").Select(r => r.Id).SingleAsync(); // made at start-up
            db.UserRoles.Add(new() { RoleId = roleId, UserId = only.Id });
            await db.SaveChangesAsync();
        }
        await using var scope = AdminTestData.ScopeAs(other, only.Id);
        var users = scope.ServiceProvider.GetRequiredService<AdminUsers>();

        Assert.Equal(RevokeResult.LastAdmin, await users.RevokeAsync(only.Id));
        Assert.Equal(GrantResult.Granted, await users.GrantAsync(second.Email!));
        Assert.Equal(RevokeResult.Revoked, await users.RevokeAsync(only.Id));

        Assert.False(await AdminTestData.IsAdminAsync(other, only.Id));
        Assert.True(await AdminTestData.IsAdminAsync(other, second.Id));
    }

    [Fact]
    public async Task EveryConsoleCall_NonAdmin_Denied()
    {
        var buyer = await AdminTestData.CreateUserAsync(app, "buyer@example.com");
        await using var scope = AdminTestData.ScopeAs(app, buyer.Id);
        var sp = scope.ServiceProvider;

        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => sp.GetRequiredService<AdminUsers>().ListAsync());
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => sp.GetRequiredService<AdminUsers>().GrantAsync("buyer@example.com"));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => sp.GetRequiredService<AdminQueries>().SubscriptionsAsync(new(), 0, 20));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => sp.GetRequiredService<AdminQueries>().SubscriptionAsync(Guid.NewGuid()));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => sp.GetRequiredService<AdminFunnel>().ComputeAsync(30));
        Assert.False(await AdminTestData.IsAdminAsync(app, buyer.Id));
    }
}
