using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Organizations;
using Portal.Organizations.Members;

namespace Portal.Tests.Integration.Organizations;

/// <summary>The last admin of an organization stays one: the database's trigger decides, also under races.</summary>
public sealed class LastAdminRuleTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task ChangeRole_BothAdminsStepDownAtOnce_ExactlyOneSucceeds(string provider)
    {
        await using var w = await MembersWorld.CreateAsync(provider);
        var ann = await w.UserAsync("ann@example.com");
        var ben = await w.UserAsync("ben@example.com");
        var org = await w.OrganizationAsync("Acme", (ann, OrganizationRole.Admin), (ben, OrganizationRole.Admin));

        // Each is still an admin when the other commits, so only the database's rule can refuse the second.
        var results = await Task.WhenAll(
            Task.Run(() => w.ChangeRoleAsync(org, ann, ann, OrganizationRole.Member)),
            Task.Run(() => w.ChangeRoleAsync(org, ben, ben, OrganizationRole.Member)));

        Assert.Equal(1, results.Count(r => r == MemberChange.Done));
        Assert.Equal(1, results.Count(r => r == MemberChange.LastAdmin));
        Assert.Single(await w.MembersAsync(org), m => m.Role == OrganizationRole.Admin);
        Assert.Equal(1, await w.AuditCountAsync(MemberAudit.RoleChanged));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task ChangeRole_TwoAdminsDemoteEachOtherAtOnce_ExactlyOneSucceeds(string provider)
    {
        await using var w = await MembersWorld.CreateAsync(provider);
        var ann = await w.UserAsync("ann@example.com");
        var ben = await w.UserAsync("ben@example.com");
        var org = await w.OrganizationAsync("Acme", (ann, OrganizationRole.Admin), (ben, OrganizationRole.Admin));

        var results = await Task.WhenAll(
            Task.Run(() => w.ChangeRoleAsync(org, ann, ben, OrganizationRole.Member)),
            Task.Run(() => w.ChangeRoleAsync(org, ben, ann, OrganizationRole.Member)));

        Assert.Equal(1, results.Count(r => r == MemberChange.Done));
        // The winner demoted the loser first: the loser's change is refused as no longer an admin's.
        Assert.Equal(1, results.Count(r => r == MemberChange.NotAdmin));
        Assert.Single(await w.MembersAsync(org), m => m.Role == OrganizationRole.Admin);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task DemoteOrRemove_TheLastAdmin_IsRefusedAndNothingChanges(string provider)
    {
        await using var w = await MembersWorld.CreateAsync(provider);
        var ann = await w.UserAsync("ann@example.com");
        var max = await w.UserAsync("max@example.com");
        var org = await w.OrganizationAsync("Acme", (ann, OrganizationRole.Admin), (max, OrganizationRole.Member));

        Assert.Equal(MemberChange.LastAdmin, await w.ChangeRoleAsync(org, ann, ann, OrganizationRole.Member));
        Assert.Equal(MemberChange.LastAdmin, await w.RemoveAsync(org, ann, ann));
        Assert.Equal(MemberChange.Done, await w.RemoveAsync(org, ann, max));

        var left = Assert.Single(await w.MembersAsync(org));
        Assert.Equal((ann, OrganizationRole.Admin), (left.UserId, left.Role));
        Assert.Equal(0, await w.AuditCountAsync(MemberAudit.RoleChanged));
        Assert.Equal(1, await w.AuditCountAsync(MemberAudit.Removed));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task RawSql_DemotingTheLastAdmin_IsRefusedByTheDatabase(string provider)
    {
        await using var w = await MembersWorld.CreateAsync(provider);
        var ann = await w.UserAsync("ann@example.com");
        var org = await w.OrganizationAsync("Acme", (ann, OrganizationRole.Admin));
        await using var db = w.App.CreateDbContext();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => db.OrganizationMembers.Where(m => m.OrganizationId == org)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Role, OrganizationRole.Member)));
        var delete = await Assert.ThrowsAnyAsync<Exception>(() => db.OrganizationMembers.Where(m => m.OrganizationId == org).ExecuteDeleteAsync());

        Assert.True(LastAdminRule.IsViolation(ex), ex.ToString());
        Assert.True(LastAdminRule.IsViolation(delete), delete.ToString());
        Assert.Equal(OrganizationRole.Admin, Assert.Single(await w.MembersAsync(org)).Role);
    }

    [Fact]
    public async Task RawSql_TwoTransactionsDemoteTheTwoAdmins_PostgresRefusesTheSecond()
    {
        await using var w = await MembersWorld.CreateAsync("Postgres");
        var ann = await w.UserAsync("ann@example.com");
        var ben = await w.UserAsync("ben@example.com");
        var org = await w.OrganizationAsync("Acme", (ann, OrganizationRole.Admin), (ben, OrganizationRole.Admin));
        await using var first = w.App.CreateDbContext();
        await using var second = w.App.CreateDbContext();
        await using var t1 = await first.Database.BeginTransactionAsync();
        await using var t2 = await second.Database.BeginTransactionAsync();

        // No service lock here: each transaction updates only its own row, so only the trigger can see the other.
        await first.OrganizationMembers.Where(m => m.OrganizationId == org && m.UserId == ann).ExecuteUpdateAsync(u => u.SetProperty(m => m.Role, OrganizationRole.Member));
        var blocked = second.OrganizationMembers.Where(m => m.OrganizationId == org && m.UserId == ben).ExecuteUpdateAsync(u => u.SetProperty(m => m.Role, OrganizationRole.Member));
        await t1.CommitAsync();
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => blocked.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.True(LastAdminRule.IsViolation(ex), ex.ToString());
        Assert.Single(await w.MembersAsync(org), m => m.Role == OrganizationRole.Admin);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Cascades_DeletingTheOrganizationOrTheAdminsAccount_StillWork(string provider)
    {
        await using var w = await MembersWorld.CreateAsync(provider);
        var ann = await w.UserAsync("ann@example.com");
        var bea = await w.UserAsync("bea@example.com");
        var gone = await w.OrganizationAsync("Gone", (ann, OrganizationRole.Admin));
        var kept = await w.OrganizationAsync("Kept", (bea, OrganizationRole.Admin));
        await using var db = w.App.CreateDbContext();

        Assert.Equal(1, await db.Organizations.Where(o => o.Id == gone).ExecuteDeleteAsync());
        await w.WithAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<ApplicationUser>>();
            return (await users.DeleteAsync((await users.FindByIdAsync(bea))!)).Succeeded ? 1 : throw new InvalidOperationException("not deleted");
        });

        Assert.Empty(await w.MembersAsync(gone));
        Assert.Empty(await w.MembersAsync(kept));
    }
}
