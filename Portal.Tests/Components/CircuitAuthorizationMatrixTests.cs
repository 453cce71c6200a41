using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Subscriptions;
using Portal.Metering;
using Portal.Metering.Pages;
using Portal.Onboarding;
using Portal.Organizations;
using Portal.Organizations.Members;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Components;

/// <summary>
/// The circuit half of the authorization matrix (the HTTP half is AuthorizationMatrixTests): what each kind of user can
/// do from a live page, checked by the server-side code the page calls, with ids taken from another organization.
/// Actors: the organization's admin, its member, another organization's admin, an anonymous visitor, the vendor admin,
/// and someone whose cookie claims VendorAdmin without the role in the database.
/// </summary>
public sealed class CircuitAuthorizationMatrixTests : StepPageContext
{
    private readonly Dictionary<string, string?> users = new() { ["anonymous"] = null };
    private Guid acme, acmeWorkspace, other, acmeKey;

    public override async Task InitializeAsync()
    {
        foreach (var who in new[] { "owner", "member", "stranger", "vendor", "claimed-vendor" })
            users[who] = (await AdminTestData.CreateUserAsync(App, $"{who}@example.com")).Id;
        await SetVendorAdminAsync("vendor", true);
        await using var db = App.CreateDbContext();
        var a = new Organization { Name = "Acme Secret Org", CreatedAt = DateTimeOffset.UtcNow };
        a.Members.Add(new OrganizationMember { UserId = users["owner"]!, Role = OrganizationRole.Admin, JoinedAt = DateTimeOffset.UtcNow });
        a.Members.Add(new OrganizationMember { UserId = users["member"]!, Role = OrganizationRole.Member, JoinedAt = DateTimeOffset.UtcNow });
        a.Workspaces.Add(new Workspace { Name = "Acme Hidden Workspace", Language = "en", Site = "us-west-2", CreatedAt = DateTimeOffset.UtcNow });
        var b = new Organization { Name = "Other Org", CreatedAt = DateTimeOffset.UtcNow };
        b.Members.Add(new OrganizationMember { UserId = users["stranger"]!, Role = OrganizationRole.Admin, JoinedAt = DateTimeOffset.UtcNow });
        db.Organizations.AddRange(a, b);
        await db.SaveChangesAsync();
        (acme, acmeWorkspace, other) = (a.Id, a.Workspaces[0].Id, b.Id);
        acmeKey = (await App.Services.GetRequiredService<ApiKeyService>().CreateAsync(acme, "acme-secret-key", users["owner"]!)).Key.Id;
    }

    private ClaimsPrincipal Principal(string who) => users[who] is not { } id ? new ClaimsPrincipal(new ClaimsIdentity())
        : new ClaimsPrincipal(new ClaimsIdentity(who is "vendor" or "claimed-vendor"
            ? [new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Role, "VendorAdmin")]
            : [new Claim(ClaimTypes.NameIdentifier, id)], "test"));

    [Theory]
    [InlineData("owner", true)]
    [InlineData("vendor", true)]
    [InlineData("member", false)]
    [InlineData("stranger", false)]
    [InlineData("anonymous", false)]
    [InlineData("claimed-vendor", false)]
    public async Task Api_keys_of_an_organization_are_listed_created_and_revoked_only_by_its_admins_and_the_vendor(string who, bool allowed)
    {
        var cut = Render<ApiKeysPage>(p => p.Add(x => x.OrganizationId, acme)
            .AddCascadingValue(Task.FromResult(new AuthenticationState(Principal(who)))));
        cut.WaitForAssertion(() => Assert.DoesNotContain("mud-progress-circular", cut.Markup));

        if (allowed)
        {
            cut.WaitForElement("#create-key");
            Assert.Contains("acme-secret-key", cut.Markup);
            cut.Find("input[name=key-name]").Input($"{who}-key");
            cut.Find("form").Submit();
            cut.WaitForElement("#new-api-key");
        }
        else
        {
            cut.WaitForAssertion(() => Assert.True(cut.Markup.Contains("Only the organization's admins") || cut.Markup.Contains("Sign in")));
            Assert.DoesNotContain("acme-secret-key", cut.Markup);
            Assert.Empty(cut.FindAll("#create-key"));
            Assert.Empty(cut.FindAll("button.apikeys-revoke")); // no revoke buttons to press
        }
        await using var db = App.CreateDbContext();
        Assert.Equal(allowed ? 2 : 1, await db.ApiKeys.CountAsync(k => k.OrganizationId == acme));
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("vendor")]
    public async Task Someone_demoted_after_the_api_keys_page_rendered_can_neither_create_nor_revoke(string who)
    {
        var dialogs = Render<MudBlazor.MudDialogProvider>();
        var cut = Render<ApiKeysPage>(p => p.Add(x => x.OrganizationId, acme)
            .AddCascadingValue(Task.FromResult(new AuthenticationState(Principal(who)))));
        cut.WaitForElement("#create-key");
        cut.Find(".apikeys-revoke").Click();
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll(".mud-dialog button")));

        await DemoteAsync(who); // the page and its cookie still say admin; the database no longer does
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Revoke").Click();
        cut.WaitForAssertion(() => Assert.Contains("Only the organization's admins", cut.Markup));

        await using (var db = App.CreateDbContext())
            Assert.Null((await db.ApiKeys.SingleAsync(k => k.Id == acmeKey)).RevokedAt);
        Assert.DoesNotContain("acme-secret-key", cut.Markup);
        Assert.Empty(cut.FindAll("#create-key"));
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("vendor")]
    public async Task Someone_demoted_while_typing_a_key_name_creates_no_key(string who)
    {
        var cut = Render<ApiKeysPage>(p => p.Add(x => x.OrganizationId, acme)
            .AddCascadingValue(Task.FromResult(new AuthenticationState(Principal(who)))));
        cut.WaitForElement("#create-key");
        cut.Find("input[name=key-name]").Input("late-key");

        await DemoteAsync(who);
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Contains("Only the organization's admins", cut.Markup));
        Assert.Empty(cut.FindAll("#new-api-key"));
        await using var db = App.CreateDbContext();
        Assert.Equal(1, await db.ApiKeys.CountAsync(k => k.OrganizationId == acme));
    }

    private async Task DemoteAsync(string who)
    {
        if (who == "vendor")
        {
            await SetVendorAdminAsync("vendor", false);
            return;
        }
        // The organization keeps an admin (the database refuses to demote its last one): another takes over first.
        var successor = await AdminTestData.CreateUserAsync(App, $"successor-{Guid.NewGuid():N}@example.com");
        await using var db = App.CreateDbContext();
        db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = acme, UserId = successor.Id, Role = OrganizationRole.Admin, JoinedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        await db.OrganizationMembers.Where(m => m.OrganizationId == acme && m.UserId == users[who])
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Role, OrganizationRole.Member));
    }

    private async Task SetVendorAdminAsync(string who, bool admin)
    {
        using var scope = App.Services.CreateScope();
        var roles = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.RoleManager<Microsoft.AspNetCore.Identity.IdentityRole>>();
        if (!await roles.RoleExistsAsync(Portal.Admin.AdminRoles.VendorAdmin))
            await roles.CreateAsync(new Microsoft.AspNetCore.Identity.IdentityRole(Portal.Admin.AdminRoles.VendorAdmin));
        var userManager = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Portal.Accounts.ApplicationUser>>();
        var user = (await userManager.FindByIdAsync(users[who]!))!;
        var result = admin ? await userManager.AddToRoleAsync(user, Portal.Admin.AdminRoles.VendorAdmin)
            : await userManager.RemoveFromRoleAsync(user, Portal.Admin.AdminRoles.VendorAdmin);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    [Fact]
    public async Task A_key_id_replayed_against_another_organization_revokes_nothing()
    {
        var keys = App.Services.GetRequiredService<ApiKeyService>();
        Assert.False(await keys.RevokeAsync(other, acmeKey, users["stranger"]!)); // the stranger's own page, Acme's key id
        Assert.False(await keys.RevokeAsync(other, Guid.NewGuid(), users["stranger"]!));
        await using var db = App.CreateDbContext();
        Assert.Null((await db.ApiKeys.SingleAsync(k => k.Id == acmeKey)).RevokedAt);
    }

    [Theory]
    [InlineData("owner", LinkOutcome.Linked)]
    [InlineData("member", LinkOutcome.NotAdmin)]
    [InlineData("stranger", LinkOutcome.NotAdmin)]
    [InlineData("vendor", LinkOutcome.NotAdmin)]
    [InlineData("anonymous", LinkOutcome.NotReady)]
    public async Task Linking_a_subscription_to_an_existing_organization_needs_its_admin(string who, LinkOutcome expected)
    {
        var outcome = await LinkAsync(who, new OrganizationChoice { Mode = ChoiceMode.Existing, ExistingId = acme },
            new WorkspaceChoice { Mode = ChoiceMode.Existing, ExistingId = acmeWorkspace });

        Assert.Equal(expected, outcome);
        await using var db = App.CreateDbContext();
        Assert.Equal(expected == LinkOutcome.Linked ? 1 : 0, await db.Subscriptions.CountAsync(s => s.OrganizationId == acme));
    }

    [Fact]
    public async Task Guessed_organization_ids_and_another_organizations_workspace_are_refused_without_an_error()
    {
        Assert.Equal(LinkOutcome.NotAdmin, await LinkAsync("stranger", new OrganizationChoice { Mode = ChoiceMode.Existing, ExistingId = Guid.NewGuid() },
            new WorkspaceChoice { Mode = ChoiceMode.New, Name = "Mine" }));
        // The stranger's own organization, with Acme's workspace id replayed from Acme's session.
        Assert.Equal(LinkOutcome.NotReady, await LinkAsync("stranger", new OrganizationChoice { Mode = ChoiceMode.Existing, ExistingId = other },
            new WorkspaceChoice { Mode = ChoiceMode.Existing, ExistingId = acmeWorkspace }));
        await using var db = App.CreateDbContext();
        Assert.Equal(0, await db.Subscriptions.CountAsync(s => s.OrganizationId != null));
        Assert.Equal(1, await db.Workspaces.CountAsync());
    }

    [Fact]
    public async Task Another_users_onboarding_session_cannot_be_taken_over()
    {
        await LinkAsync("owner", new OrganizationChoice { Mode = ChoiceMode.New, Name = "Owner Co" }, new WorkspaceChoice { Mode = ChoiceMode.New, Name = "Prod" }, link: false);
        Assert.Null(await App.Services.CreateScope().ServiceProvider.GetRequiredService<OnboardingSessions>().BindUserAsync(SessionId, users["stranger"]!));
        Assert.Equal(users["owner"], (await StoredSessionAsync()).UserId);
    }

    [Theory]
    [InlineData("owner", "admin")]
    [InlineData("member", "read-only")]
    [InlineData("stranger", "denied")]
    [InlineData("anonymous", "denied")]
    [InlineData("vendor", "denied")]
    public async Task Members_panel_shows_members_to_members_and_its_actions_only_to_admins(string who, string expected)
    {
        var invited = await InviteAsOwnerAsync("pending@example.com");

        var cut = Render<MembersPanel>(p => p.Add(x => x.OrganizationId, acme)
            .AddCascadingValue(Task.FromResult(new AuthenticationState(Principal(who)))));
        cut.WaitForAssertion(() => Assert.DoesNotContain("mud-progress-circular", cut.Markup));

        Assert.Equal(expected != "denied", cut.Markup.Contains("member@example.com"));
        Assert.Equal(expected == "denied", cut.FindAll("#members-denied").Count == 1);
        Assert.Equal(expected == "admin", cut.FindAll("#invite-form").Count == 1);
        Assert.Equal(expected == "admin", cut.FindAll("button.members-remove").Count > 0);
        Assert.Equal(expected == "admin", cut.Markup.Contains("pending@example.com")); // invitations are the admins' business
        Assert.Equal(expected == "read-only", cut.FindAll("#members-readonly").Count == 1);
        if (expected == "admin")
        {
            cut.Find("input[name=invite-email]").Input("new.colleague@example.com");
            cut.Find("#invite-form").Submit();
            cut.WaitForAssertion(() => Assert.Contains("new.colleague@example.com", cut.Find("#invitations-table").TextContent));
        }
        await using var db = App.CreateDbContext();
        Assert.Equal(expected == "admin" ? 2 : 1, await db.Set<OrganizationInvitation>().CountAsync(i => i.OrganizationId == acme));
        Assert.NotEqual(Guid.Empty, invited);
    }

    [Theory]
    [InlineData("owner", true)]
    [InlineData("member", false)]
    [InlineData("stranger", false)]
    [InlineData("anonymous", false)]
    [InlineData("vendor", false)]
    public async Task Members_actions_are_refused_by_the_server_to_anyone_but_the_organizations_admin(string who, bool allowed)
    {
        var invitation = await InviteAsOwnerAsync("pending@example.com");
        var actor = users[who] ?? "";
        using var scope = App.Services.CreateScope();
        var invitations = scope.ServiceProvider.GetRequiredService<InvitationService>();
        var members = scope.ServiceProvider.GetRequiredService<MembersService>();

        var invite = await invitations.InviteAsync(acme, actor, $"{who}-guest@example.com", OrganizationRole.Admin);
        var resend = await invitations.ResendAsync(acme, actor, invitation);
        var promote = await members.ChangeRoleAsync(acme, actor, users["member"]!, OrganizationRole.Admin);
        var remove = await members.RemoveAsync(acme, actor, users["member"]!);
        var revoke = await invitations.RevokeAsync(acme, actor, invitation);

        Assert.Equal(allowed ? InviteOutcome.Sent : InviteOutcome.NotAdmin, invite);
        Assert.Equal(allowed ? InviteOutcome.Sent : InviteOutcome.NotAdmin, resend);
        Assert.Equal(allowed ? MemberChange.Done : MemberChange.NotAdmin, promote);
        Assert.Equal(allowed ? MemberChange.Done : MemberChange.NotAdmin, remove);
        Assert.Equal(allowed ? InviteOutcome.Sent : InviteOutcome.NotAdmin, revoke);
        await using var db = App.CreateDbContext();
        Assert.Equal(allowed ? 1 : 2, await db.OrganizationMembers.CountAsync(m => m.OrganizationId == acme));
        Assert.Equal(allowed ? 1 : 0, await db.Set<OrganizationInvitation>().CountAsync(i => i.OrganizationId == acme && i.RevokedAt != null));
    }

    [Fact]
    public async Task Members_ids_replayed_against_another_organization_change_nothing()
    {
        var invitation = await InviteAsOwnerAsync("pending@example.com");
        using var scope = App.Services.CreateScope();
        var stranger = users["stranger"]!;

        // The stranger administers "other": Acme's member and invitation ids, sent with the stranger's own organization.
        Assert.Equal(MemberChange.NotFound, await scope.ServiceProvider.GetRequiredService<MembersService>().RemoveAsync(other, stranger, users["member"]!));
        Assert.Equal(InviteOutcome.NotFound, await scope.ServiceProvider.GetRequiredService<InvitationService>().RevokeAsync(other, stranger, invitation));
        Assert.Null(await scope.ServiceProvider.GetRequiredService<MembersService>().ViewAsync(acme, stranger));
        await using var db = App.CreateDbContext();
        Assert.Equal(2, await db.OrganizationMembers.CountAsync(m => m.OrganizationId == acme));
        Assert.Null((await db.Set<OrganizationInvitation>().SingleAsync(i => i.Id == invitation)).RevokedAt);
    }

    private async Task<Guid> InviteAsOwnerAsync(string email)
    {
        using var scope = App.Services.CreateScope();
        Assert.Equal(InviteOutcome.Sent, await scope.ServiceProvider.GetRequiredService<InvitationService>()
            .InviteAsync(acme, users["owner"]!, email, OrganizationRole.Member));
        await using var db = App.CreateDbContext();
        return (await db.Set<OrganizationInvitation>().SingleAsync(i => i.Email == email)).Id;
    }

    /// <summary>A session of <paramref name="who"/> at the review step with these answers, then the link the review page calls.</summary>
    private async Task<LinkOutcome> LinkAsync(string who, OrganizationChoice organization, WorkspaceChoice workspace, bool link = true)
    {
        await using var db = App.CreateDbContext();
        var subscription = new MarketplaceSubscription
        {
            ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = "4444" + Random.Shared.Next(10_000_000, 99_999_999),
            LicenseArn = "arn:aws:license-manager::444444444444:license:l-" + Guid.NewGuid().ToString("N")[..12],
            OfferType = OfferType.Payg, Status = SubscriptionStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        var session = new OnboardingSession
        {
            SubscriptionId = subscription.Id, UserId = users[who], TokenHash = Guid.NewGuid().ToString("N"), Step = OnboardingStep.Review,
            Data = new OnboardingData { SiteId = "us-west-2", Organization = organization, Workspace = workspace }.ToJson(),
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.AddRange(subscription, session);
        await db.SaveChangesAsync();
        SetSession(session.Id);
        if (!link) return LinkOutcome.NotReady;
        using var scope = App.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<LinkService>().LinkAsync(session.Id, users[who] ?? "")).Outcome;
    }
}
