using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Portal.Organizations;
using Portal.Organizations.Members;

namespace Portal.Tests.Integration.Organizations;

/// <summary>Invitations: the e-mail, single use, expiry, resend replacing the link, and who may invite.</summary>
public sealed class InvitationServiceTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Accept_ByTheInvitedAccount_AddsItWithTheRoleOnce(string provider)
    {
        await using var w = await MembersWorld.CreateAsync(provider);
        var admin = await w.UserAsync("admin@northwind.example");
        var org = await w.OrganizationAsync("Northwind", (admin, OrganizationRole.Admin));
        var colleague = await w.UserAsync("Colleague@Northwind.example");

        Assert.Equal(InviteOutcome.Sent, await w.InviteAsync(org, admin, "colleague@northwind.example", OrganizationRole.Admin));
        var token = await w.InvitationTokenAsync("colleague@northwind.example");
        var first = await w.AcceptAsync(token, colleague);
        var again = await w.AcceptAsync(token, colleague);

        Assert.Equal((AcceptOutcome.Joined, (Guid?)org), first);
        Assert.Equal(AcceptOutcome.Invalid, again.Outcome);
        Assert.Equal(OrganizationRole.Admin, (await w.MembersAsync(org)).Single(m => m.UserId == colleague).Role);
        Assert.Equal(1, await w.AuditCountAsync(MemberAudit.Invited));
        Assert.Equal(1, await w.AuditCountAsync(MemberAudit.InvitationAccepted));
        await using var db = w.App.CreateDbContext();
        var stored = await db.Set<OrganizationInvitation>().SingleAsync();
        Assert.NotEqual(token, stored.TokenHash); // only the hash is kept
        Assert.DoesNotContain(token, stored.TokenHash);
    }

    [Fact]
    public async Task Accept_TwoTabsAtOnce_OneJoins()
    {
        await using var w = await MembersWorld.CreateAsync();
        var admin = await w.UserAsync("admin@example.com");
        var org = await w.OrganizationAsync("Acme", (admin, OrganizationRole.Admin));
        var bob = await w.UserAsync("bob@example.com");
        await w.InviteAsync(org, admin, "bob@example.com");
        var token = await w.InvitationTokenAsync("bob@example.com");

        var results = await Task.WhenAll(w.AcceptAsync(token, bob), w.AcceptAsync(token, bob));

        Assert.Equal(1, results.Count(r => r.Outcome == AcceptOutcome.Joined));
        Assert.Equal(1, results.Count(r => r.Outcome == AcceptOutcome.Invalid));
        Assert.Equal(1, await w.AuditCountAsync(MemberAudit.InvitationAccepted));
    }

    [Fact]
    public async Task Accept_OtherAccountUnverifiedOrExpired_IsRefusedAndTheLinkStaysUsable()
    {
        await using var w = await MembersWorld.CreateAsync();
        var admin = await w.UserAsync("admin@example.com");
        var org = await w.OrganizationAsync("Acme", (admin, OrganizationRole.Admin));
        var other = await w.UserAsync("other@example.com");
        var unverified = await w.UserAsync("new@example.com", verified: false);
        await w.InviteAsync(org, admin, "new@example.com");
        var token = await w.InvitationTokenAsync("new@example.com");

        Assert.Equal(AcceptOutcome.WrongAccount, (await w.AcceptAsync(token, other)).Outcome);
        Assert.Equal(AcceptOutcome.Unverified, (await w.AcceptAsync(token, unverified)).Outcome);
        Assert.Equal(AcceptOutcome.Invalid, (await w.AcceptAsync("not-a-token", other)).Outcome);
        w.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.Equal(AcceptOutcome.Expired, (await w.AcceptAsync(token, admin)).Outcome);
        Assert.Single(await w.MembersAsync(org));
    }

    [Fact]
    public async Task Resend_ReplacesTheLink_OldOneNoLongerWorks()
    {
        await using var w = await MembersWorld.CreateAsync();
        var admin = await w.UserAsync("admin@example.com");
        var org = await w.OrganizationAsync("Acme", (admin, OrganizationRole.Admin));
        var carol = await w.UserAsync("carol@example.com");
        await w.InviteAsync(org, admin, "carol@example.com");
        var old = await w.InvitationTokenAsync("carol@example.com");
        await using (var db = w.App.CreateDbContext())
        {
            var id = (await db.Set<OrganizationInvitation>().SingleAsync()).Id;
            w.Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(InviteOutcome.Sent, await w.WithAsync(sp => sp.GetRequiredService<InvitationService>().ResendAsync(org, admin, id)));
        }
        var fresh = await w.InvitationTokenAsync("carol@example.com");

        Assert.NotEqual(old, fresh);
        Assert.Equal(AcceptOutcome.Invalid, (await w.AcceptAsync(old, carol)).Outcome);
        Assert.Equal(AcceptOutcome.Joined, (await w.AcceptAsync(fresh, carol)).Outcome);
        Assert.Equal(1, await w.AuditCountAsync(MemberAudit.InvitationResent));
    }

    [Fact]
    public async Task Invite_ByMemberOrStranger_IsRefused_AndDuplicatesAreNamed()
    {
        await using var w = await MembersWorld.CreateAsync();
        var admin = await w.UserAsync("admin@example.com");
        var member = await w.UserAsync("member@example.com");
        var stranger = await w.UserAsync("stranger@example.com");
        var org = await w.OrganizationAsync("Acme", (admin, OrganizationRole.Admin), (member, OrganizationRole.Member));
        await w.OrganizationAsync("Other", (stranger, OrganizationRole.Admin));

        Assert.Equal(InviteOutcome.NotAdmin, await w.InviteAsync(org, member, "x@example.com"));
        Assert.Equal(InviteOutcome.NotAdmin, await w.InviteAsync(org, stranger, "x@example.com"));
        Assert.Equal(InviteOutcome.NotAdmin, await w.InviteAsync(Guid.NewGuid(), admin, "x@example.com"));
        Assert.Equal(InviteOutcome.AlreadyMember, await w.InviteAsync(org, admin, "MEMBER@example.com"));
        Assert.Equal(InviteOutcome.Sent, await w.InviteAsync(org, admin, "x@example.com"));
        Assert.Equal(InviteOutcome.AlreadyInvited, await w.InviteAsync(org, admin, "X@example.com"));
        await using var db = w.App.CreateDbContext();
        Assert.Equal(1, await db.Set<OrganizationInvitation>().CountAsync());
        Assert.Equal(1, await db.EmailMessages.CountAsync(m => m.Kind == MemberEmails.Invitation));
    }

    [Fact]
    public async Task Revoke_StopsTheLink()
    {
        await using var w = await MembersWorld.CreateAsync();
        var admin = await w.UserAsync("admin@example.com");
        var org = await w.OrganizationAsync("Acme", (admin, OrganizationRole.Admin));
        var dave = await w.UserAsync("dave@example.com");
        await w.InviteAsync(org, admin, "dave@example.com");
        var token = await w.InvitationTokenAsync("dave@example.com");
        await using var db = w.App.CreateDbContext();
        var id = (await db.Set<OrganizationInvitation>().SingleAsync()).Id;

        Assert.Equal(InviteOutcome.Sent, await w.WithAsync(sp => sp.GetRequiredService<InvitationService>().RevokeAsync(org, admin, id)));

        Assert.Equal(AcceptOutcome.Invalid, (await w.AcceptAsync(token, dave)).Outcome);
        Assert.Null(await w.WithAsync(sp => sp.GetRequiredService<InvitationService>().PreviewAsync(token)));
        Assert.Equal(1, await w.AuditCountAsync(MemberAudit.InvitationRevoked));
        // Revoked, the address can be invited again.
        Assert.Equal(InviteOutcome.Sent, await w.InviteAsync(org, admin, "dave@example.com"));
    }
}
