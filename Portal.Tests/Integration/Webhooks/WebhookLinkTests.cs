using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;
using Portal.Organizations;
using Portal.Tests.Infrastructure;
using Portal.Webhooks;

namespace Portal.Tests.Integration.Webhooks;

/// <summary>
/// "Link subscription" claims the row by ExecuteUpdate while the service holds a stale tracked copy: the event must
/// describe the database's row. A linking transaction that loses a race and rolls back must leave no event behind.
/// </summary>
public sealed class WebhookLinkTests
{
    private static async Task<string> UserAsync(PortalAppFactory app, string email)
    {
        using var scope = app.Services.CreateScope();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
        Assert.True((await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().CreateAsync(user, "Str0ng!Passw0rd")).Succeeded);
        return user.Id;
    }

    /// <summary>A subscription, written without an audit event (so no webhook), and a session at Review for it.</summary>
    private static async Task<Guid> SubscriptionAsync(PortalAppFactory app)
    {
        await using var db = app.CreateDbContext();
        var s = new MarketplaceSubscription
        {
            ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = "123456789012", OfferType = OfferType.Payg,
            Status = SubscriptionStatus.Active, LicenseArn = $"arn:aws:license-manager::123456789012:license:l-{Guid.NewGuid():N}",
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Subscriptions.Add(s);
        await db.SaveChangesAsync();
        return s.Id;
    }

    private static async Task<Guid> SessionAtReviewAsync(PortalAppFactory app, Guid subscriptionId, string userId, string organization)
    {
        await using var db = app.CreateDbContext();
        var data = new OnboardingData
        {
            SiteId = "us-west-2", Organization = new OrganizationChoice { Mode = ChoiceMode.New, Name = organization },
            Workspace = new WorkspaceChoice { Mode = ChoiceMode.New, Name = "Production", Language = "en" },
        };
        var session = new OnboardingSession
        {
            SubscriptionId = subscriptionId, UserId = userId, TokenHash = Guid.NewGuid().ToString("N"), Step = OnboardingStep.Review,
            Data = data.ToJson(), CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.OnboardingSessions.Add(session);
        await db.SaveChangesAsync();
        return session.Id;
    }

    private static async Task<LinkResult> LinkAsync(PortalAppFactory app, Guid sessionId, string userId)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<LinkService>().LinkAsync(sessionId, userId);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Link_EventCarriesTheOrganizationClaimedInTheTransaction(string provider)
    {
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var receiver = await WebhookReceiver.StartAsync(WebhookDeliveryTests.Secret);
        await using var app = WebhookDeliveryTests.App(receiver.Url, postgres: pg?.ConnectionString);
        var user = await UserAsync(app, "ada@example.com");
        var session = await SessionAtReviewAsync(app, await SubscriptionAsync(app), user, "Acme");

        var result = await LinkAsync(app, session, user);
        await WebhookDeliveryTests.WaitForAsync(WebhookDeliveryTests.Row(app, "subscription.linked"),
            r => r.Status == WebhookDeliveryStatus.Delivered, "the linked delivery");

        Assert.Equal(LinkOutcome.Linked, result.Outcome);
        var subscription = Assert.Single(receiver.Accepted).GetProperty("subscription");
        Assert.Equal(result.OrganizationId, subscription.GetProperty("organizationId").GetGuid());
        Assert.True(subscription.GetProperty("linkedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal("active", subscription.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Link_TwoBrowsersRace_OnlyTheWinnersEventIsKept(string provider)
    {
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var receiver = await WebhookReceiver.StartAsync(WebhookDeliveryTests.Secret);
        await using var app = WebhookDeliveryTests.App(receiver.Url, postgres: pg?.ConnectionString);
        var subscription = await SubscriptionAsync(app);
        var alice = await UserAsync(app, "alice@example.com");
        var bob = await UserAsync(app, "bob@example.com");
        var s1 = await SessionAtReviewAsync(app, subscription, alice, "Alice Org");
        var s2 = await SessionAtReviewAsync(app, subscription, bob, "Bob Org");

        var results = await Task.WhenAll(LinkAsync(app, s1, alice), LinkAsync(app, s2, bob));
        var row = await WebhookDeliveryTests.WaitForAsync(WebhookDeliveryTests.Row(app, "subscription.linked"),
            r => r.Status == WebhookDeliveryStatus.Delivered, "the linked delivery");

        var winner = Assert.Single(results, r => r.Outcome == LinkOutcome.Linked);
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Set<WebhookDelivery>().CountAsync());
        Assert.Equal(winner.OrganizationId, Assert.Single(receiver.Accepted).GetProperty("subscription").GetProperty("organizationId").GetGuid());
        Assert.Equal(1, row.Attempts);
    }
}
