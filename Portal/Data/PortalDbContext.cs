using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Accounts;
using Portal.Audit;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;

namespace Portal.Data;

/// <summary>
/// The portal's database. Each provider has a thin subclass owning its migrations:
/// <c>dotnet ef migrations add Name --context SqlitePortalDbContext --output-dir Data/Migrations/Sqlite</c>
/// and the same with <c>PostgresPortalDbContext</c> / <c>Data/Migrations/Postgres</c>.
/// </summary>
public abstract class PortalDbContext(DbContextOptions options) : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<MarketplaceSubscription> Subscriptions => Set<MarketplaceSubscription>();
    public DbSet<OnboardingSession> OnboardingSessions => Set<OnboardingSession>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<Organizations.Organization> Organizations => Set<Organizations.Organization>();
    public DbSet<Organizations.OrganizationMember> OrganizationMembers => Set<Organizations.OrganizationMember>();
    public DbSet<Organizations.Workspace> Workspaces => Set<Organizations.Workspace>();
    public DbSet<Email.EmailMessage> EmailMessages => Set<Email.EmailMessage>();
    public DbSet<EmailVerification> EmailVerifications => Set<EmailVerification>();
    public DbSet<SignInTicket> SignInTickets => Set<SignInTicket>();
    public DbSet<Marketplace.Lifecycle.MarketplaceNotification> MarketplaceNotifications => Set<Marketplace.Lifecycle.MarketplaceNotification>();
    public DbSet<Marketplace.Entitlements.SubscriptionEntitlement> Entitlements => Set<Marketplace.Entitlements.SubscriptionEntitlement>();
    public DbSet<Metering.UsageEvent> UsageEvents => Set<Metering.UsageEvent>();
    public DbSet<Metering.MeteringRecord> MeteringRecords => Set<Metering.MeteringRecord>();
    public DbSet<Metering.MeteringLease> Leases => Set<Metering.MeteringLease>();
    public DbSet<Metering.ApiKey> ApiKeys => Set<Metering.ApiKey>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}

public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // SQLite has no native offset type: store UTC ticks so ordering and comparisons stay in the database.
        builder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToTicksConverter>();
    }
}

public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);

internal sealed class DateTimeOffsetToTicksConverter()
    : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
