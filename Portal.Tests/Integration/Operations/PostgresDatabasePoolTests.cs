using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Operations;

/// <summary>
/// The PostgreSQL pass's database pool (Respawn): a database goes back empty, with its migrations, sequences
/// restarted and the last-admin trigger untouched (TRUNCATE fires no row trigger); one that cannot be emptied in a few
/// seconds is dropped rather than handed to the next test with rows in it. Always on PostgreSQL, with a pool of its own.
/// </summary>
public sealed class PostgresDatabasePoolTests : IAsyncLifetime
{
    private readonly ConcurrentBag<PostgresDatabase.PooledDatabase> pool = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        PostgresDatabase.DropAll(pool);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_used_database_comes_back_migrated_and_empty_and_the_next_portal_works_on_it()
    {
        var first = await PostgresDatabase.RentAsync(pool);
        var name = first.Name;
        await using (var app = new PortalAppFactory(postgresConnection: first.ConnectionString))
        {
            await app.LandAsync("720000000001");
            await using var db = app.CreateDbContext();
            Assert.Equal(1, await db.Subscriptions.CountAsync());
        }
        await first.DisposeAsync();
        await first.DisposeAsync(); // a second dispose (a factory disposed twice) must not put it in the pool twice
        Assert.Single(pool);

        var second = await PostgresDatabase.RentAsync(pool);
        Assert.Equal(name, second.Name); // reused, not made again
        await using (var app = new PortalAppFactory(postgresConnection: second.ConnectionString))
        {
            await using (var db = app.CreateDbContext())
            {
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
                Assert.Equal(0, await db.Subscriptions.CountAsync());
                Assert.Equal(0, await db.AuditEvents.CountAsync());
            }
            var again = await app.LandAsync("720000000001"); // the same account lands as on a new database
            Assert.Equal("720000000001", again.CustomerAwsAccountId);
        }
        await second.DisposeAsync();
    }

    [Fact]
    public async Task A_database_a_test_left_locked_is_dropped_not_reused()
    {
        var rented = await PostgresDatabase.RentAsync(pool);
        await using (var app = new PortalAppFactory(postgresConnection: rented.ConnectionString))
            await app.LandAsync("720000000002");

        // A transaction the test never ended, holding a lock TRUNCATE must wait for.
        var holder = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(rented.ConnectionString) { Pooling = false }.ConnectionString);
        await holder.OpenAsync();
        var tx = await holder.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM \"MarketplaceSubscriptions\"", holder, tx)) await read.ExecuteScalarAsync();

        await rented.DisposeAsync(); // TRUNCATE gives up after its lock timeout; the database is dropped WITH (FORCE)

        try { await tx.DisposeAsync(); await holder.DisposeAsync(); }
        catch (NpgsqlException) { } // the drop ended its session
        Assert.True(pool.IsEmpty);
        await using var admin = new NpgsqlConnection(Environment.GetEnvironmentVariable(PostgresDatabase.EnvironmentVariable));
        await admin.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", admin);
        exists.Parameters.AddWithValue("name", rented.Name);
        Assert.Equal(0L, await exists.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_database_missing_a_migration_in_its_history_is_dropped_not_reused()
    {
        var rented = await PostgresDatabase.RentAsync(pool);
        await using (var app = new PortalAppFactory(postgresConnection: rented.ConnectionString))
        {
            await using var db = app.CreateDbContext();
            // As the readiness test does: the history no longer lists a migration whose tables exist.
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" LIKE '%Operations'");
        }
        await rented.DisposeAsync();
        Assert.True(pool.IsEmpty); // the next portal would fail creating tables that are already there
    }
}
