using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;
using Portal.Organizations;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Integration.Organizations;

/// <summary>
/// A buyer whose subscription was cancelled subscribes again: the wizard offers the old organization again (it is no
/// longer billed), the new subscription links to it, and its billing page shows the old one as history.
/// </summary>
public sealed class ResubscriptionPageTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task After_a_cancellation_the_old_organization_is_offered_again_and_its_billing_shows_the_history(string provider)
    {
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var app = new PortalAppFactory(postgresConnection: pg?.ConnectionString);
        _ = app.BaseAddress;
        var owner = await AdminTestData.CreateUserAsync(app, "again@example.com");
        const string account = "433300000001";
        var ended = DateTimeOffset.UtcNow.AddDays(-3);
        Guid orgId;
        await using (var db = app.CreateDbContext())
        {
            var org = new Organization { Name = "Comeback Org", CreatedAt = ended.AddMonths(-6) };
            org.Members.Add(new OrganizationMember { UserId = owner.Id, Role = OrganizationRole.Admin, JoinedAt = ended.AddMonths(-6) });
            db.Organizations.Add(org);
            db.Subscriptions.Add(new MarketplaceSubscription
            {
                ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = account, LicenseArn = $"arn:aws:license-manager::{account}:license:l-old",
                OfferType = OfferType.Payg, Status = SubscriptionStatus.Cancelled, CreatedAt = ended.AddMonths(-6), UpdatedAt = ended, EndedAt = ended,
                OrganizationId = org.Id, LinkedAt = ended.AddMonths(-6),
            });
            await db.SaveChangesAsync();
            orgId = org.Id;
        }

        // The same AWS account subscribes again and lands; the buyer signs in and reaches the organization step.
        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, account);
        var cookies = new CookieContainer();
        using var browser = app.CreateBrowser(cookies: cookies);
        Assert.Equal(303, (int)(await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]))).StatusCode);
        await AdminTestData.SignInAsync(app, browser, cookies, "again@example.com", "/onboarding");
        Guid sessionId;
        await using (var db = app.CreateDbContext())
        {
            var session = await db.OnboardingSessions.SingleAsync();
            session.UserId = owner.Id;
            session.Step = OnboardingStep.Organization;
            // (As if the buyer had picked "Use an organization I already have": the page then lists them.)
            session.Data = new OnboardingData { SiteId = "us-west-2", Organization = new OrganizationChoice { Mode = ChoiceMode.Existing } }.ToJson();
            await db.SaveChangesAsync();
            sessionId = session.Id;
        }
        var step = WebUtility.HtmlDecode(await browser.GetStringAsync("/onboarding/organization"));
        Assert.True(step.Contains("Comeback Org"), step[step.IndexOf("<main", StringComparison.Ordinal)..]);
        Assert.DoesNotContain("Already billed by another AWS subscription.", step);
        Assert.DoesNotContain("None of your organizations can be linked", step);

        // Linked to the old organization: the database's "one live subscription per organization" allows it.
        await using (var db = app.CreateDbContext())
        {
            var session = await db.OnboardingSessions.SingleAsync();
            session.Step = OnboardingStep.Review;
            session.Data = new OnboardingData
            {
                SiteId = "us-west-2", Organization = new OrganizationChoice { Mode = ChoiceMode.Existing, ExistingId = orgId, Name = "Comeback Org" },
                Workspace = new WorkspaceChoice { Mode = ChoiceMode.New, Name = "Again", Language = "en" },
            }.ToJson();
            await db.SaveChangesAsync();
        }
        using (var scope = app.Services.CreateScope())
            Assert.Equal(LinkOutcome.Linked, (await scope.ServiceProvider.GetRequiredService<LinkService>().LinkAsync(sessionId, owner.Id)).Outcome);

        var billing = WebUtility.HtmlDecode(await browser.GetStringAsync($"/organizations/{orgId}/billing"));
        Assert.Contains("data-state=\"Pending\"", billing);
        var history = billing[billing.IndexOf("id=\"billing-history\"", StringComparison.Ordinal)..];
        Assert.Contains("Ended", history);
        Assert.Contains("Confirming", history);
        await using var check = app.CreateDbContext();
        Assert.Equal(2, await check.Subscriptions.CountAsync(s => s.OrganizationId == orgId));
    }
}
