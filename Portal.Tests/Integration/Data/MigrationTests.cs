using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Marketplace.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Data;

/// <summary>Each provider's own migrations build the schema from an empty database, and the schema keeps the invariants.</summary>
public sealed class MigrationTests
{
    private static async Task<(PortalDbContext Db, IAsyncDisposable Cleanup)> EmptyDatabaseAsync(string provider)
    {
        if (provider == "Sqlite")
        {
            var dir = Directory.CreateTempSubdirectory("portal-migrate-");
            var options = new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite($"Data Source={Path.Combine(dir.FullName, "m.db")}").Options;
            var db = new SqlitePortalDbContext(options);
            return (db, new Cleanup(async () =>
            {
                await db.DisposeAsync();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                dir.Delete(true);
            }));
        }
        var pg = await PostgresDatabase.CreateAsync();
        var pgDb = new PostgresPortalDbContext(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(pg.ConnectionString).Options);
        return (pgDb, new Cleanup(async () =>
        {
            await pgDb.DisposeAsync();
            await pg.DisposeAsync();
        }));
    }

    private sealed class Cleanup(Func<Task> action) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await action();
    }

    private static MarketplaceSubscription Subscription(string? licenseArn, string? customerIdentifier, string product = "p1") => new()
    {
        ProductCode = product, CustomerAwsAccountId = "111122223333", LicenseArn = licenseArn, CustomerIdentifier = customerIdentifier,
        CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Migrate_EmptyDatabase_AppliesEveryMigrationAndLeavesNonePending(string provider)
    {
        var (db, cleanup) = await EmptyDatabaseAsync(provider);
        await using var _ = cleanup;

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(0, await db.Subscriptions.CountAsync());
        Assert.Equal(0, await db.Users.CountAsync());
        Assert.Equal(0, await db.OnboardingSessions.CountAsync());
        Assert.Equal(0, await db.AuditEvents.CountAsync());
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Insert_SameProductAndLicenseTwice_RejectedByDatabase(string provider)
    {
        var (db, cleanup) = await EmptyDatabaseAsync(provider);
        await using var _ = cleanup;
        await db.Database.MigrateAsync();
        db.Subscriptions.Add(Subscription("arn:aws:license-manager::1:license:l-1", null));
        await db.SaveChangesAsync();

        db.Subscriptions.Add(Subscription("arn:aws:license-manager::1:license:l-1", null));
        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.True(DbErrors.IsUniqueViolation(ex));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Insert_SameProductAndCustomerIdentifierWithoutLicense_RejectedByDatabase(string provider)
    {
        var (db, cleanup) = await EmptyDatabaseAsync(provider);
        await using var _ = cleanup;
        await db.Database.MigrateAsync();
        db.Subscriptions.Add(Subscription(null, "cust-1"));
        db.Subscriptions.Add(Subscription(null, "cust-1", product: "p2")); // another product: allowed
        await db.SaveChangesAsync();

        db.Subscriptions.Add(Subscription(null, "cust-1"));
        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.True(DbErrors.IsUniqueViolation(ex));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Insert_SubscriptionWithoutAnyKey_RejectedByCheckConstraint(string provider)
    {
        var (db, cleanup) = await EmptyDatabaseAsync(provider);
        await using var _ = cleanup;
        await db.Database.MigrateAsync();

        db.Subscriptions.Add(Subscription(null, null));

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Landing_OnEachProvider_StartsOnboarding(string provider)
    {
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var app = new PortalAppFactory(postgresConnection: pg?.ConnectionString);
        var token = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Portal.Marketplace.Simulator.SimulatorTokens>(app.Services)
            .Mint(PortalAppFactory.PaygProduct, Portal.Marketplace.Simulator.SimulatedOffer.Payg, "210987654321");
        using var browser = app.CreateBrowser();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]))));

        Assert.All(responses, r => Assert.Equal(System.Net.HttpStatusCode.SeeOther, r.StatusCode));
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Subscriptions.CountAsync());
        Assert.Equal(1, await db.OnboardingSessions.CountAsync());
    }
}
