using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Marketplace.Aws;
using Portal.Marketplace.Landing;
using Portal.Marketplace.Lifecycle;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Metering;
using Portal.Onboarding;
using Portal.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Marketplace;

/// <summary>
/// A customer who cancelled and subscribes again, on both providers: as a new license (how AWS names a new purchase)
/// and, for a legacy integration, under the same CustomerIdentifier. The cancelled row stays as history and blocks
/// nothing: the customer lands, links the same organization (or a new one) and is metered.
/// </summary>
public sealed class ResubscriptionTests
{
    private const string Account = "520000000001";

    private sealed class World(PortalAppFactory app, PostgresDatabase? pg) : IAsyncDisposable
    {
        public PortalAppFactory App { get; } = app;
        public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

        public async Task<string> UserAsync(string email)
        {
            using var scope = App.Services.CreateScope();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Assert.True((await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().CreateAsync(user, "Str0ng!Passw0rd")).Succeeded);
            return user.Id;
        }

        /// <summary>Lands like AWS's button; the subscription the landing's session points at.</summary>
        public async Task<Guid> LandAsync(string token)
        {
            using var browser = App.CreateBrowser();
            var response = await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]));
            Assert.Equal(303, (int)response.StatusCode);
            await using var db = App.CreateDbContext();
            return (await db.OnboardingSessions.AsNoTracking().OrderByDescending(s => s.CreatedAt).FirstAsync()).SubscriptionId;
        }

        /// <summary>Walks the buyer's choices to Review and links, as the wizard's last step does.</summary>
        public async Task<LinkResult> LinkAsync(Guid subscriptionId, string userId, OrganizationChoice org, string workspace)
        {
            await using (var db = App.CreateDbContext())
            {
                var data = new OnboardingData { SiteId = "us-west-2", Organization = org, Workspace = new WorkspaceChoice { Mode = ChoiceMode.New, Name = workspace, Language = "en" } };
                var session = await db.OnboardingSessions.OrderByDescending(s => s.CreatedAt).FirstAsync(s => s.SubscriptionId == subscriptionId);
                session.UserId = userId;
                session.Step = OnboardingStep.Review;
                session.Data = data.ToJson();
                await db.SaveChangesAsync();
            }
            await using var read = App.CreateDbContext();
            var sessionId = (await read.OnboardingSessions.AsNoTracking().OrderByDescending(s => s.CreatedAt).FirstAsync(s => s.SubscriptionId == subscriptionId)).Id;
            using var scope = App.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<LinkService>().LinkAsync(sessionId, userId);
        }

        public async Task CancelAsync(MarketplaceSubscription s)
        {
            Assert.Equal(NotificationResult.Applied, await Get<LifecycleService>().ReceiveAsync(new MarketplaceNotification
            {
                MessageId = Guid.NewGuid().ToString(), Source = "sns", Action = LifecycleAction.UnsubscribeSuccess, ProductCode = s.ProductCode,
                LicenseArn = s.LicenseArn, CustomerIdentifier = s.LicenseArn is null ? s.CustomerIdentifier : null, ReceivedAt = DateTimeOffset.UtcNow,
            }));
            if (s.LicenseArn is { } arn) Get<SimulatorState>().Unsubscribe(arn);
        }

        public async Task<MarketplaceSubscription> RowAsync(Guid id)
        {
            await using var db = App.CreateDbContext();
            return await db.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == id);
        }

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            if (pg is not null) await pg.DisposeAsync();
        }
    }

    private static async Task<World> WorldAsync(string provider)
    {
        var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        var app = new PortalAppFactory(new Dictionary<string, string?> { ["Metering:Enabled"] = "false" }, pg?.ConnectionString);
        _ = app.BaseAddress;
        return new World(app, pg);
    }

    private static OrganizationChoice Existing(Guid id) => new() { Mode = ChoiceMode.Existing, ExistingId = id };

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_customer_who_cancelled_subscribes_again_under_a_new_license_links_the_same_organization_and_is_metered(string provider)
    {
        await using var w = await WorldAsync(provider);
        var tokens = w.Get<SimulatorTokens>();
        var user = await w.UserAsync("returning@example.com");
        var first = await w.LandAsync(tokens.Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, Account));
        var linked = await w.LinkAsync(first, user, new OrganizationChoice { Mode = ChoiceMode.New, Name = "Acme" }, "Production");
        Assert.Equal(LinkOutcome.Linked, linked.Outcome);
        var org = linked.OrganizationId!.Value;
        await w.CancelAsync(await w.RowAsync(first));

        var second = await w.LandAsync(tokens.Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, Account));

        Assert.NotEqual(first, second);
        var (old, fresh) = (await w.RowAsync(first), await w.RowAsync(second));
        Assert.NotEqual(old.LicenseArn, fresh.LicenseArn);
        Assert.Equal(SubscriptionStatus.Cancelled, old.Status);
        Assert.Equal(org, old.OrganizationId); // history stays as it was
        Assert.Equal(LinkOutcome.Linked, (await w.LinkAsync(second, user, Existing(org), "Production 2")).Outcome);

        var hour = MeteringClock.HourOf(DateTimeOffset.UtcNow).AddHours(-1);
        var usage = await w.Get<IUsageRecorder>().RecordAsync(org, new UsageInput("requests", 5, hour.AddMinutes(1), "after-resubscribing"));
        Assert.Equal((UsageOutcome.Recorded, (Guid?)second), (usage.Outcome, usage.SubscriptionId));
        await w.Get<MeteringAggregator>().AggregateAsync();
        Assert.Equal(1, (await w.Get<MeteringSender>().SendDueAsync()).Sent);
        Assert.Equal(5, w.Get<SimulatorState>().Metered.Single(m => m.Key.Contains(fresh.LicenseArn!, StringComparison.Ordinal)).Value.Quantity);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_legacy_customer_who_cancelled_comes_back_with_the_same_customer_identifier_and_gets_a_new_row_for_a_new_organization(string provider)
    {
        await using var w = await WorldAsync(provider);
        var user = await w.UserAsync("legacy@example.com");
        var registrar = w.Get<SubscriptionRegistrar>();
        // A legacy integration: ResolveCustomer names the customer, not the purchase.
        var customer = new ResolveCustomerResponse { ProductCode = PortalAppFactory.PaygProduct, CustomerAWSAccountId = Account, CustomerIdentifier = "cLegacy0001" };
        var session = await registrar.RegisterAsync(customer, OfferType.Payg, "token-1", null, default);
        var first = (await w.App.CreateDbContext().OnboardingSessions.AsNoTracking().SingleAsync(s => s.Id == session)).SubscriptionId;
        var linked = await w.LinkAsync(first, user, new OrganizationChoice { Mode = ChoiceMode.New, Name = "Old Co" }, "Production");
        Assert.Equal(LinkOutcome.Linked, linked.Outcome);
        await w.CancelAsync(await w.RowAsync(first));

        // AWS announces the new subscription before the buyer lands, by the same identifier: kept for the new row.
        var lifecycle = w.Get<LifecycleService>();
        Assert.Equal(NotificationResult.Deferred, await lifecycle.ReceiveAsync(new MarketplaceNotification
        {
            MessageId = "resubscribed-1", Source = "sns", Action = LifecycleAction.SubscribeSuccess, ProductCode = PortalAppFactory.PaygProduct,
            CustomerIdentifier = "cLegacy0001", ReceivedAt = DateTimeOffset.UtcNow,
        }));
        var again = await registrar.RegisterAsync(customer, OfferType.Payg, "token-2", null, default);
        var second = (await w.App.CreateDbContext().OnboardingSessions.AsNoTracking().SingleAsync(s => s.Id == again)).SubscriptionId;

        Assert.NotEqual(first, second);
        Assert.Equal(SubscriptionStatus.Cancelled, (await w.RowAsync(first)).Status);
        Assert.Equal(SubscriptionStatus.Active, (await w.RowAsync(second)).Status);
        var linkedAgain = await w.LinkAsync(second, user, new OrganizationChoice { Mode = ChoiceMode.New, Name = "New Co" }, "Production");
        Assert.Equal(LinkOutcome.Linked, linkedAgain.Outcome);
        var usage = await w.Get<IUsageRecorder>().RecordAsync(linkedAgain.OrganizationId!.Value,
            new UsageInput("requests", 2, DateTimeOffset.UtcNow.AddMinutes(-1), "legacy-again"));
        Assert.Equal((UsageOutcome.Recorded, (Guid?)second), (usage.Outcome, usage.SubscriptionId));
        // The old organization's usage is refused: its subscription ended.
        Assert.Equal(UsageOutcome.SubscriptionEnded, (await w.Get<IUsageRecorder>().RecordAsync(linked.OrganizationId!.Value,
            new UsageInput("requests", 2, DateTimeOffset.UtcNow.AddMinutes(-1), "old-org"))).Outcome);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_cancelled_legacy_row_does_not_take_the_license_of_the_customers_new_purchase(string provider)
    {
        await using var w = await WorldAsync(provider);
        var registrar = w.Get<SubscriptionRegistrar>();
        var legacy = new ResolveCustomerResponse { ProductCode = PortalAppFactory.PaygProduct, CustomerAWSAccountId = Account, CustomerIdentifier = "cLegacy0002" };
        var s1 = await registrar.RegisterAsync(legacy, OfferType.Payg, "token-a", null, default);
        var first = (await w.App.CreateDbContext().OnboardingSessions.AsNoTracking().SingleAsync(s => s.Id == s1)).SubscriptionId;
        await w.CancelAsync(await w.RowAsync(first));

        // Now AWS answers with the license too (a new purchase): a new row with the license, the old one untouched.
        const string arn = "arn:aws:license-manager::520000000001:license:l-00000000000000000000000000000002";
        var s2 = await registrar.RegisterAsync(new ResolveCustomerResponse
        {
            ProductCode = PortalAppFactory.PaygProduct, CustomerAWSAccountId = Account, CustomerIdentifier = "cLegacy0002", LicenseArn = arn,
        }, OfferType.Payg, "token-b", null, default);
        var second = (await w.App.CreateDbContext().OnboardingSessions.AsNoTracking().SingleAsync(s => s.Id == s2)).SubscriptionId;

        Assert.NotEqual(first, second);
        Assert.Null((await w.RowAsync(first)).LicenseArn);
        Assert.Equal(arn, (await w.RowAsync(second)).LicenseArn);
    }
}
