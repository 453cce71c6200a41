using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;
using Portal.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Onboarding;

/// <summary>"Link subscription" on both providers: races, admin rights checked on the server, and the database's rules.</summary>
public sealed class LinkServiceTests
{
    private sealed class World(PortalAppFactory app, PostgresDatabase? pg) : IAsyncDisposable
    {
        public PortalAppFactory App { get; } = app;

        public async Task<string> UserAsync(string email)
        {
            using var scope = App.Services.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Assert.True((await users.CreateAsync(user, "Str0ng!Passw0rd")).Succeeded);
            return user.Id;
        }

        public async Task<Guid> SubscriptionAsync(string account = "123456789012", OfferType offer = OfferType.Payg)
        {
            await using var db = App.CreateDbContext();
            var s = new MarketplaceSubscription
            {
                ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = account, OfferType = offer,
                LicenseArn = $"arn:aws:license-manager::{account}:license:l-{Guid.NewGuid():N}", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.Subscriptions.Add(s);
            await db.SaveChangesAsync();
            return s.Id;
        }

        public async Task<Guid> OrganizationAsync(string name, string userId, OrganizationRole role)
        {
            await using var db = App.CreateDbContext();
            var o = new Organization { Name = name, CreatedAt = DateTimeOffset.UtcNow };
            o.Members.Add(new OrganizationMember { UserId = userId, Role = role, JoinedAt = DateTimeOffset.UtcNow });
            db.Organizations.Add(o);
            await db.SaveChangesAsync();
            return o.Id;
        }

        /// <summary>A session at the Review step with the given choices, as if the buyer had walked there.</summary>
        public async Task<Guid> SessionAtReviewAsync(Guid subscriptionId, string userId, OrganizationChoice org, string workspace = "Production")
        {
            await using var db = App.CreateDbContext();
            var data = new OnboardingData { SiteId = "us-west-2", Organization = org, Workspace = new WorkspaceChoice { Mode = ChoiceMode.New, Name = workspace, Language = "en" } };
            var session = new OnboardingSession
            {
                SubscriptionId = subscriptionId, UserId = userId, TokenHash = Guid.NewGuid().ToString("N"), Step = OnboardingStep.Review,
                Data = data.ToJson(), CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.OnboardingSessions.Add(session);
            await db.SaveChangesAsync();
            return session.Id;
        }

        public async Task<LinkResult> LinkAsync(Guid sessionId, string userId)
        {
            using var scope = App.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<LinkService>().LinkAsync(sessionId, userId);
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
        var app = new PortalAppFactory(postgresConnection: pg?.ConnectionString);
        _ = app.BaseAddress;
        return new World(app, pg);
    }

    private static OrganizationChoice NewOrg(string name) => new() { Mode = ChoiceMode.New, Name = name };

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Link_NewOrganization_LinksCreatesAndMails(string provider)
    {
        await using var w = await WorldAsync(provider);
        var user = await w.UserAsync("a@example.com");
        var session = await w.SessionAtReviewAsync(await w.SubscriptionAsync(), user, NewOrg("Acme"));

        var result = await w.LinkAsync(session, user);

        Assert.Equal(LinkOutcome.Linked, result.Outcome);
        await using var db = w.App.CreateDbContext();
        var org = await db.Organizations.Include(o => o.Members).SingleAsync();
        Assert.Equal(OrganizationRole.Admin, Assert.Single(org.Members).Role);
        Assert.Equal(org.Id, (await db.Subscriptions.SingleAsync()).OrganizationId);
        Assert.Equal(OnboardingStep.Linked, (await db.OnboardingSessions.SingleAsync()).Step);
        Assert.Equal(1, await db.EmailMessages.CountAsync());
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Type == "subscription.linked"));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Link_TwoBrowsersRaceForOneSubscription_ExactlyOneWins(string provider)
    {
        await using var w = await WorldAsync(provider);
        var subscription = await w.SubscriptionAsync();
        var alice = await w.UserAsync("alice@example.com");
        var bob = await w.UserAsync("bob@example.com");
        var s1 = await w.SessionAtReviewAsync(subscription, alice, NewOrg("Alice Org"));
        var s2 = await w.SessionAtReviewAsync(subscription, bob, NewOrg("Bob Org"));

        var results = await Task.WhenAll(w.LinkAsync(s1, alice), w.LinkAsync(s2, bob));

        Assert.Equal(1, results.Count(r => r.Outcome == LinkOutcome.Linked));
        Assert.Equal(1, results.Count(r => r.Outcome == LinkOutcome.SubscriptionLinkedElsewhere));
        await using var db = w.App.CreateDbContext();
        Assert.Equal(1, await db.Organizations.CountAsync());   // the loser's organization was rolled back
        Assert.Equal(1, await db.Workspaces.CountAsync());
        Assert.Equal(1, await db.EmailMessages.CountAsync());
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Link_TwoSubscriptionsToOneOrganization_SecondRefused(string provider)
    {
        await using var w = await WorldAsync(provider);
        var admin = await w.UserAsync("admin@example.com");
        var org = await w.OrganizationAsync("Shared", admin, OrganizationRole.Admin);
        var existing = new OrganizationChoice { Mode = ChoiceMode.Existing, ExistingId = org, Name = "Shared" };
        var s1 = await w.SessionAtReviewAsync(await w.SubscriptionAsync("111111111111"), admin, existing, "One");
        var s2 = await w.SessionAtReviewAsync(await w.SubscriptionAsync("222222222222"), admin, existing, "Two");

        var results = await Task.WhenAll(w.LinkAsync(s1, admin), w.LinkAsync(s2, admin));

        Assert.Equal(1, results.Count(r => r.Outcome == LinkOutcome.Linked));
        Assert.Equal(1, results.Count(r => r.Outcome == LinkOutcome.OrganizationBilledElsewhere));
        await using var db = w.App.CreateDbContext();
        Assert.Equal(1, await db.Subscriptions.CountAsync(s => s.OrganizationId == org));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Link_MemberNotAdmin_RefusedOnServerEvenWhenUiBypassed(string provider)
    {
        await using var w = await WorldAsync(provider);
        var member = await w.UserAsync("member@example.com");
        var org = await w.OrganizationAsync("Theirs", member, OrganizationRole.Member);
        var subscription = await w.SubscriptionAsync();
        var session = await w.SessionAtReviewAsync(subscription, member, new OrganizationChoice { Mode = ChoiceMode.Existing, ExistingId = org });

        var result = await w.LinkAsync(session, member);

        Assert.Equal(LinkOutcome.NotAdmin, result.Outcome);
        await using var db = w.App.CreateDbContext();
        Assert.Null((await db.Subscriptions.SingleAsync()).OrganizationId);
        Assert.Equal(0, await db.Workspaces.CountAsync());
        Assert.Equal(OnboardingStep.Review, (await db.OnboardingSessions.SingleAsync()).Step);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Link_SecondPaygSubscriptionOfSameAccount_RefusedByDatabase(string provider)
    {
        await using var w = await WorldAsync(provider);
        var user = await w.UserAsync("a@example.com");
        var first = await w.SessionAtReviewAsync(await w.SubscriptionAsync("333333333333"), user, NewOrg("First"));
        var second = await w.SessionAtReviewAsync(await w.SubscriptionAsync("333333333333"), user, NewOrg("Second"));

        Assert.Equal(LinkOutcome.Linked, (await w.LinkAsync(first, user)).Outcome);
        Assert.Equal(LinkOutcome.AccountAlreadyHasPayg, (await w.LinkAsync(second, user)).Outcome);

        await using var db = w.App.CreateDbContext();
        Assert.Equal(1, await db.Organizations.CountAsync());
    }

    [Fact]
    public async Task Link_AnotherUsersSession_NotReady()
    {
        await using var w = await WorldAsync("Sqlite");
        var owner = await w.UserAsync("owner@example.com");
        var intruder = await w.UserAsync("intruder@example.com");
        var session = await w.SessionAtReviewAsync(await w.SubscriptionAsync(), owner, NewOrg("Mine"));

        Assert.Equal(LinkOutcome.NotReady, (await w.LinkAsync(session, intruder)).Outcome);
    }
}
