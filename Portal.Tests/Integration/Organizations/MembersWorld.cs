using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;
using Portal.Organizations;
using Portal.Organizations.Members;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;
using Microsoft.Extensions.Time.Testing;

namespace Portal.Tests.Integration.Organizations;

/// <summary>A portal on SQLite or PostgreSQL with a fake clock, and the moves the members tests share.</summary>
public sealed partial class MembersWorld : IAsyncDisposable
{
    public const string BaseUrl = "https://portal.example/";
    private readonly PostgresDatabase? pg;

    private MembersWorld(PortalAppFactory app, PostgresDatabase? pg, FakeTimeProvider clock) => (App, this.pg, Clock) = (app, pg, clock);

    public PortalAppFactory App { get; }
    public FakeTimeProvider Clock { get; }

    public static async Task<MembersWorld> CreateAsync(string provider = "Sqlite")
    {
        var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var app = new PortalAppFactory(new Dictionary<string, string?> { ["Portal:PublicBaseUrl"] = BaseUrl }, postgresConnection: pg?.ConnectionString,
            configureServices: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        _ = app.BaseAddress;
        return new MembersWorld(app, pg, clock);
    }

    public async Task<string> UserAsync(string email, bool verified = true) => (await AdminTestData.CreateUserAsync(App, email, verified)).Id;

    public async Task<Guid> OrganizationAsync(string name, params (string UserId, OrganizationRole Role)[] members)
    {
        await using var db = App.CreateDbContext();
        var o = new Organization { Name = name, CreatedAt = Clock.GetUtcNow() };
        foreach (var (userId, role) in members) o.Members.Add(new OrganizationMember { UserId = userId, Role = role, JoinedAt = Clock.GetUtcNow() });
        db.Organizations.Add(o);
        await db.SaveChangesAsync();
        return o.Id;
    }

    /// <summary>A subscription not linked yet, with <paramref name="userId"/>'s onboarding session holding it.</summary>
    public async Task<Guid> SubscriptionInOnboardingAsync(string userId)
    {
        await using var db = App.CreateDbContext();
        var account = "5555" + Random.Shared.Next(10_000_000, 99_999_999);
        var s = new MarketplaceSubscription
        {
            ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = account, OfferType = OfferType.Payg,
            LicenseArn = $"arn:aws:license-manager::{account}:license:l-{Guid.NewGuid():N}", CreatedAt = Clock.GetUtcNow(), UpdatedAt = Clock.GetUtcNow(),
        };
        db.Subscriptions.Add(s);
        db.OnboardingSessions.Add(new OnboardingSession
        {
            SubscriptionId = s.Id, UserId = userId, TokenHash = Guid.NewGuid().ToString("N"), Step = OnboardingStep.Review,
            CreatedAt = Clock.GetUtcNow(), UpdatedAt = Clock.GetUtcNow(),
        });
        await db.SaveChangesAsync();
        return s.Id;
    }

    public async Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> act)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await act(scope.ServiceProvider);
    }

    public Task<InviteOutcome> InviteAsync(Guid org, string actor, string email, OrganizationRole role = OrganizationRole.Member) =>
        WithAsync(sp => sp.GetRequiredService<InvitationService>().InviteAsync(org, actor, email, role));

    public Task<(AcceptOutcome Outcome, Guid? OrganizationId)> AcceptAsync(string token, string userId) =>
        WithAsync(sp => sp.GetRequiredService<InvitationService>().AcceptAsync(token, userId));

    public Task<MemberChange> ChangeRoleAsync(Guid org, string actor, string member, OrganizationRole role) =>
        WithAsync(sp => sp.GetRequiredService<MembersService>().ChangeRoleAsync(org, actor, member, role));

    public Task<MemberChange> RemoveAsync(Guid org, string actor, string member) =>
        WithAsync(sp => sp.GetRequiredService<MembersService>().RemoveAsync(org, actor, member));

    /// <summary>The token of the newest invitation e-mail to <paramref name="email"/>, read from its link.</summary>
    public async Task<string> InvitationTokenAsync(string email)
    {
        await using var db = App.CreateDbContext();
        var mail = (await db.EmailMessages.Where(m => m.To == email && m.Kind == MemberEmails.Invitation).ToListAsync()).OrderBy(m => m.CreatedAt).Last();
        return Uri.UnescapeDataString(TokenInLink().Match(mail.TextBody).Groups[1].Value);
    }

    public async Task<List<OrganizationMember>> MembersAsync(Guid org)
    {
        await using var db = App.CreateDbContext();
        return await db.OrganizationMembers.Where(m => m.OrganizationId == org).ToListAsync();
    }

    public async Task<int> AuditCountAsync(string type)
    {
        await using var db = App.CreateDbContext();
        return await db.AuditEvents.CountAsync(e => e.Type == type);
    }

    [GeneratedRegex(@"/invitations/accept\?token=([A-Za-z0-9_%\-]+)")]
    private static partial Regex TokenInLink();

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (pg is not null) await pg.DisposeAsync();
    }
}
