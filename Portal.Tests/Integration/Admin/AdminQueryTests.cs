using Microsoft.Extensions.DependencyInjection;
using Portal.Admin;
using Portal.Audit;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;
using Portal.Organizations;
using Portal.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Portal.Tests.Integration.Admin;

/// <summary>The console's queries against seeded rows, on a real SQLite file and on PostgreSQL.</summary>
public sealed class AdminQueryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private sealed class Fixture : IAsyncDisposable
    {
        private PostgresDatabase? pg;
        public PortalAppFactory App { get; private set; } = null!;
        public string AdminId { get; private set; } = "";
        public string BuyerId { get; private set; } = "";

        public static async Task<Fixture> StartAsync(string provider, bool configuredAdmin = true)
        {
            var f = new Fixture();
            if (provider == "Postgres") f.pg = await PostgresDatabase.CreateAsync();
            var clock = new FakeTimeProvider(Now);
            f.App = new PortalAppFactory(new Dictionary<string, string?> { ["Admin:Emails:0"] = configuredAdmin ? "admin@example.com" : null },
                f.pg?.ConnectionString,
                s => s.AddSingleton<TimeProvider>(clock));
            _ = f.App.BaseAddress;
            var admin = await AdminTestData.CreateUserAsync(f.App, "admin@example.com");
            await f.App.Services.GetRequiredService<AdminGrants>().EnsureConfiguredAsync(admin);
            f.AdminId = admin.Id;
            f.BuyerId = (await AdminTestData.CreateUserAsync(f.App, "buyer@example.com")).Id;
            return f;
        }

        public AsyncServiceScope AsAdmin() => AdminTestData.ScopeAs(App, AdminId);

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            if (pg is not null) await pg.DisposeAsync();
        }
    }

    private static MarketplaceSubscription Subscription(int i, DateTimeOffset created, SubscriptionStatus status = SubscriptionStatus.Active,
        OfferType offer = OfferType.Payg, string product = PortalAppFactory.PaygProduct, Guid? organizationId = null) => new()
    {
        ProductCode = product, CustomerAwsAccountId = $"1000000000{i:D2}", LicenseArn = $"arn:aws:license-manager::1000000000{i:D2}:license:l-{i}",
        OfferType = offer, Status = status, CreatedAt = created, UpdatedAt = created, OrganizationId = organizationId,
        LinkedAt = organizationId is null ? null : created.AddMinutes(10),
    };

    private static AuditEvent Event(string type, Guid subscriptionId, DateTimeOffset at) =>
        new() { Type = type, SubscriptionId = subscriptionId, OccurredAt = at, Actor = "aws" };

    private static OnboardingSession Session(Guid subscriptionId, OnboardingStep step, string? userId, DateTimeOffset at) =>
        new() { SubscriptionId = subscriptionId, Step = step, UserId = userId, TokenHash = Guid.NewGuid().ToString("N"), CreatedAt = at, UpdatedAt = at };

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Funnel_SeededCohorts_CountsDistinctSubscriptionsPerPeriod(string provider)
    {
        await using var f = await Fixture.StartAsync(provider);
        await using (var db = f.App.CreateDbContext())
        {
            // days ago landed → how far it got: 2 linked, 5 account, 1 landing only (landed twice), 20 verify-email, 60 linked.
            var plan = new (int DaysAgo, OnboardingStep Step, bool User, bool Linked)[]
            {
                (2, OnboardingStep.Linked, true, true), (5, OnboardingStep.BusinessInfo, true, false), (1, OnboardingStep.Account, false, false),
                (20, OnboardingStep.VerifyEmail, true, false), (60, OnboardingStep.Linked, true, true),
            };
            for (var i = 0; i < plan.Length; i++)
            {
                var at = Now.AddDays(-plan[i].DaysAgo);
                var s = Subscription(i, at);
                db.Subscriptions.Add(s);
                db.AuditEvents.Add(Event(AuditEventTypes.SubscriptionRegistered, s.Id, at));
                db.OnboardingSessions.Add(Session(s.Id, plan[i].Step, plan[i].User ? f.BuyerId : null, at));
                if (plan[i].Linked) db.AuditEvents.Add(Event(AdminFunnel.LinkedEvent, s.Id, at.AddHours(1)));
                if (plan[i].DaysAgo == 1)
                {
                    db.AuditEvents.Add(Event(AuditEventTypes.SubscriptionRegistered, s.Id, at.AddMinutes(5)));
                    db.AuditEvents.Add(Event(AuditEventTypes.LandingRepeated, s.Id, at.AddMinutes(6)));
                    db.OnboardingSessions.Add(Session(s.Id, OnboardingStep.Landing, null, at.AddMinutes(5)));
                }
            }
            await db.SaveChangesAsync();
        }
        await using var scope = f.AsAdmin();
        var funnel = scope.ServiceProvider.GetRequiredService<AdminFunnel>();

        var week = await funnel.ComputeAsync(7);
        var month = await funnel.ComputeAsync(30);
        var quarter = await funnel.ComputeAsync(90);

        Assert.Equal([3, 2, 1], week.Stages.Select(s => s.Count));
        Assert.Equal([4, 3, 1], month.Stages.Select(s => s.Count));
        Assert.Equal([5, 4, 2], quarter.Stages.Select(s => s.Count));
        Assert.Equal(2.0 / 3, week.Stages[1].OfPrevious!.Value, 3);
        Assert.Equal(0.5, week.Stages[2].OfPrevious!.Value, 3);
        Assert.Equal(1.0 / 3, week.Stages[2].OfLanded!.Value, 3);
        Assert.Equal(Now.AddDays(-7), week.Since);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Subscriptions_FiltersSortAndPages_InTheDatabase(string provider)
    {
        await using var f = await Fixture.StartAsync(provider);
        await using (var db = f.App.CreateDbContext())
        {
            for (var i = 0; i < 25; i++)
            {
                Organization? org = i % 5 == 0 ? new Organization { Name = i == 0 ? "ACME Widgets" : $"Org {i:D2}", CreatedAt = Now } : null;
                if (org is not null) db.Organizations.Add(org);
                db.Subscriptions.Add(Subscription(i, Now.AddHours(-i),
                    status: i % 3 == 0 ? SubscriptionStatus.Pending : SubscriptionStatus.Active,
                    offer: i % 4 == 0 ? OfferType.Contract : OfferType.Payg,
                    product: i < 20 ? PortalAppFactory.PaygProduct : PortalAppFactory.ContractProduct, organizationId: org?.Id));
            }
            await db.SaveChangesAsync();
        }
        await using var scope = f.AsAdmin();
        var queries = scope.ServiceProvider.GetRequiredService<AdminQueries>();

        var first = await queries.SubscriptionsAsync(new(), 0, 10);
        var third = await queries.SubscriptionsAsync(new(), 20, 10);
        var pending = await queries.SubscriptionsAsync(new(Status: SubscriptionStatus.Pending), 0, 50);
        var contracts = await queries.SubscriptionsAsync(new(Offer: OfferType.Contract, ProductCode: PortalAppFactory.PaygProduct), 0, 50);
        var acme = await queries.SubscriptionsAsync(new(Text: "acme"), 0, 50);
        var byAccount = await queries.SubscriptionsAsync(new(Text: "100000000017"), 0, 50);
        var byOrg = await queries.SubscriptionsAsync(new(), 0, 3, [new SubscriptionSort("Organization", Descending: true)]);

        Assert.Equal(25, first.Count);
        Assert.Equal(10, first.Rows.Count);
        Assert.Equal("********0000", first.Rows[0].MaskedAccount); // newest first by default
        Assert.Equal("Test Analytics", first.Rows[0].ProductName);
        Assert.Equal(5, third.Rows.Count);
        Assert.Equal("Test Enterprise", third.Rows[^1].ProductName);
        Assert.Empty(first.Rows.Select(r => r.Id).Intersect(third.Rows.Select(r => r.Id)));
        Assert.Equal(9, pending.Count);
        Assert.All(pending.Rows, r => Assert.Equal(SubscriptionStatus.Pending, r.Status));
        Assert.Equal([0, 4, 8, 12, 16], contracts.Rows.Select(r => int.Parse(r.MaskedAccount[^2..])).Order());
        Assert.Equal("ACME Widgets", Assert.Single(acme.Rows).OrganizationName);
        Assert.Equal("********0017", Assert.Single(byAccount.Rows).MaskedAccount);
        Assert.Equal(["Org 20", "Org 15", "Org 10"], byOrg.Rows.Select(r => r.OrganizationName));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Subscription_Details_AuditNewestFirstAndItsNotificationsOnly(string provider)
    {
        await using var f = await Fixture.StartAsync(provider);
        var s = Subscription(1, Now.AddDays(-1));
        var other = Subscription(2, Now.AddDays(-1));
        await using (var db = f.App.CreateDbContext())
        {
            db.Subscriptions.AddRange(s, other);
            db.AuditEvents.Add(Event(AuditEventTypes.SubscriptionRegistered, s.Id, Now.AddDays(-1)));
            db.AuditEvents.Add(new AuditEvent { Type = AdminFunnel.LinkedEvent, SubscriptionId = s.Id, OccurredAt = Now.AddHours(-1), Actor = f.BuyerId });
            db.AuditEvents.Add(Event(AuditEventTypes.SubscriptionRegistered, other.Id, Now));
            foreach (var (id, sub) in new[] { ("m-1", s.Id), ("m-2", other.Id) })
                db.MarketplaceNotifications.Add(new Portal.Marketplace.Lifecycle.MarketplaceNotification
                {
                    MessageId = id, Source = "sns", Action = default, ProductCode = PortalAppFactory.PaygProduct, ReceivedAt = Now, SubscriptionId = sub,
                });
            await db.SaveChangesAsync();
        }
        await using var scope = f.AsAdmin();

        var details = await scope.ServiceProvider.GetRequiredService<AdminQueries>().SubscriptionAsync(s.Id);

        Assert.NotNull(details);
        Assert.Equal([AdminFunnel.LinkedEvent, AuditEventTypes.SubscriptionRegistered], details.Audit.Select(e => e.Type));
        Assert.Equal("buyer@example.com", details.Actors[f.BuyerId]);
        Assert.Equal("m-1", Assert.Single(details.Notifications).MessageId);
        Assert.DoesNotContain("100000000001", details.LicenseArn);
        Assert.Null(await scope.ServiceProvider.GetRequiredService<AdminQueries>().SubscriptionAsync(Guid.NewGuid()));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Revoke_TwoAdminsRevokeEachOtherAtOnce_OneAdminAlwaysLeft(string provider)
    {
        // Nobody configured: the two granted admins are all there is, so the last-admin rule must hold under a race.
        await using var f = await Fixture.StartAsync(provider, configuredAdmin: false);
        var grants = f.App.Services.GetRequiredService<AdminGrants>();
        var a = await AdminTestData.CreateUserAsync(f.App, "a@example.com");
        var b = await AdminTestData.CreateUserAsync(f.App, "b@example.com");

        for (var round = 0; round < 5; round++)
        {
            await grants.GrantAsync("a@example.com", "test");
            await grants.GrantAsync("b@example.com", "test");

            var results = await Task.WhenAll(Task.Run(() => grants.RevokeAsync(b.Id, a.Id)), Task.Run(() => grants.RevokeAsync(a.Id, b.Id)));

            Assert.True(await AdminTestData.IsAdminAsync(f.App, a.Id) || await AdminTestData.IsAdminAsync(f.App, b.Id), string.Join(", ", results));
            Assert.Single(results, RevokeResult.Revoked);
        }
    }
}
