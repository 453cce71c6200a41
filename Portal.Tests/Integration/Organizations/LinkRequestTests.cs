using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Email;
using Portal.Marketplace.Simulator;
using Portal.Onboarding;
using Portal.Organizations;
using Portal.Organizations.Home;
using Portal.Organizations.Members;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Integration.Organizations;

/// <summary>
/// A member reaches the link step of their organization: the server refuses their Link (only admins link), they ask
/// the admins by e-mail, and an admin opens the mailed link and links the member's subscription to the organization,
/// binding its existing workspace. On SQLite and PostgreSQL.
/// </summary>
public sealed class LinkRequestTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_member_refused_at_link_asks_the_admin_by_email_and_the_admin_links(string provider)
    {
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var app = new PortalAppFactory(new Dictionary<string, string?> { ["Portal:PublicBaseUrl"] = "http://portal.test/" }, postgresConnection: pg?.ConnectionString);
        _ = app.BaseAddress;
        var admin = await AdminTestData.CreateUserAsync(app, "boss@example.com");
        var member = await AdminTestData.CreateUserAsync(app, "worker@example.com");
        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "432200000001");
        using (var landing = app.CreateBrowser())
            Assert.Equal(303, (int)(await landing.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]))).StatusCode);
        Guid orgId, workspaceId, sessionId, subscriptionId;
        await using (var db = app.CreateDbContext())
        {
            var org = new Organization { Name = "Team Org", CreatedAt = DateTimeOffset.UtcNow };
            org.Members.Add(new OrganizationMember { UserId = admin.Id, Role = OrganizationRole.Admin, JoinedAt = DateTimeOffset.UtcNow });
            org.Members.Add(new OrganizationMember { UserId = member.Id, Role = OrganizationRole.Member, JoinedAt = DateTimeOffset.UtcNow });
            org.Workspaces.Add(new Workspace { Name = "Main", Language = "en", Site = "us-west-2", CreatedAt = DateTimeOffset.UtcNow });
            db.Organizations.Add(org);
            await db.SaveChangesAsync();
            // The member's onboarding, past the site step, with their choice of the organization they belong to.
            var session = await db.OnboardingSessions.SingleAsync();
            session.UserId = member.Id;
            session.Step = OnboardingStep.Review;
            session.Data = new OnboardingData
            {
                SiteId = "us-west-2",
                Organization = new OrganizationChoice { Mode = ChoiceMode.Existing, ExistingId = org.Id, Name = org.Name },
                Workspace = new WorkspaceChoice { Mode = ChoiceMode.Existing, ExistingId = org.Workspaces[0].Id, Name = "Main", Language = "en" },
            }.ToJson();
            await db.SaveChangesAsync();
            (orgId, workspaceId, sessionId, subscriptionId) = (org.Id, org.Workspaces[0].Id, session.Id, session.SubscriptionId);
        }

        // The member's own Link is refused by the server, whatever the page let through.
        using (var scope = app.Services.CreateScope())
            Assert.Equal(LinkOutcome.NotAdmin, (await scope.ServiceProvider.GetRequiredService<LinkService>().LinkAsync(sessionId, member.Id)).Outcome);
        await using (var db = app.CreateDbContext())
            await db.OnboardingSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.Step, OnboardingStep.Organization));

        // They ask the admins: one e-mail, to the admin, carrying the request's page.
        using (var scope = app.Services.CreateScope())
        {
            var asked = await scope.ServiceProvider.GetRequiredService<LinkRequestService>().AskAsync(orgId, member.Id, subscriptionId);
            Assert.Equal((LinkRequestOutcome.Sent, 1), (asked.Outcome, asked.Recipients));
        }
        string link;
        await using (var db = app.CreateDbContext())
        {
            var mail = await db.EmailMessages.AsNoTracking().SingleAsync(m => m.Kind == MemberEmails.LinkRequest);
            Assert.Equal("boss@example.com", mail.To);
            link = $"/organizations/{orgId}/link-requests/{subscriptionId}";
            Assert.Contains("http://portal.test" + link, mail.TextBody);
        }

        // The admin's page names who asked and what; the member's own view of it is refused.
        var adminCookies = new CookieContainer();
        using var adminBrowser = app.CreateBrowser(cookies: adminCookies);
        await AdminTestData.SignInAsync(app, adminBrowser, adminCookies, "boss@example.com", link);
        var page = WebUtility.HtmlDecode(await adminBrowser.GetStringAsync(link));
        Assert.Contains("asked you to link their AWS Marketplace subscription to Team Org", page);
        Assert.Contains("Main", page);
        var memberCookies = new CookieContainer();
        using var memberBrowser = app.CreateBrowser(cookies: memberCookies);
        await AdminTestData.SignInAsync(app, memberBrowser, memberCookies, "worker@example.com", link);
        Assert.Contains("Only the organization's admins can link a subscription to it.", WebUtility.HtmlDecode(await memberBrowser.GetStringAsync(link)));

        // The admin links, binding the existing workspace; the member's onboarding is done.
        using (var scope = AdminTestData.ScopeAs(app, admin.Id))
        {
            var requests = scope.ServiceProvider.GetRequiredService<RequestedLinks>();
            var view = await requests.FindAsync(orgId, subscriptionId, admin.Id);
            Assert.Equal(RequestedLinkState.Open, view.State);
            Assert.Equal(workspaceId, Assert.Single(view.Bindable!).Id);
            // Another person's id gets nothing.
            Assert.Equal(RequestedLinkState.Gone, (await requests.FindAsync(orgId, subscriptionId, member.Id)).State);
            var linked = await requests.LinkAsync(orgId, subscriptionId, admin.Id,
                new WorkspaceChoice { Mode = ChoiceMode.Existing, ExistingId = workspaceId, Name = "Main", Language = "en" });
            Assert.Equal(LinkOutcome.Linked, linked.Outcome);
            Assert.Equal(RequestedLinkState.AlreadyLinked, (await requests.FindAsync(orgId, subscriptionId, admin.Id)).State);
        }
        await using var check = app.CreateDbContext();
        var subscription = await check.Subscriptions.AsNoTracking().SingleAsync();
        Assert.Equal((orgId, admin.Id), (subscription.OrganizationId, subscription.LinkedByUserId));
        Assert.Equal(subscriptionId, (await check.Workspaces.AsNoTracking().SingleAsync()).LinkedSubscriptionId);
        Assert.Equal(OnboardingStep.Linked, (await check.OnboardingSessions.AsNoTracking().SingleAsync()).Step);
        Assert.Equal(1, await check.Organizations.CountAsync());
        Assert.True(await check.AuditEvents.AnyAsync(a => a.Type == "subscription.linked" && a.Actor == admin.Id));
    }
}
