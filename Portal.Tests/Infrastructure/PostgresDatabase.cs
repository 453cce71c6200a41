using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Respawn;
using Respawn.Graph;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A database of its own on the PostgreSQL server test.sh starts (PORTAL_TEST_POSTGRES names an admin connection).
/// Without that server the test fails rather than pretending to pass.
/// <see cref="CreateAsync"/> makes a fresh, empty one and drops it afterwards. <see cref="RentAsync"/> (every portal
/// of the PostgreSQL pass) reuses a database an earlier test had migrated: Respawn empties it on return, which
/// bench/Portal.Bench -- reset measured at about a sixth of the cost of CREATE DATABASE + migrations + DROP. A
/// database that cannot be emptied (locked, or refusing connections) is dropped instead, so no test sees another's rows.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "PORTAL_TEST_POSTGRES";
    private static readonly ConcurrentBag<PooledDatabase> Pool = [];
    private static int exitHooked;
    private static readonly Lazy<string[]> AllMigrations = new(() =>
    {
        using var db = new Portal.Data.PostgresPortalDbContext(new DbContextOptionsBuilder<Portal.Data.PostgresPortalDbContext>().UseNpgsql("Host=unused").Options);
        return db.Database.GetMigrations().ToArray();
    });
    private readonly string admin;
    private readonly string name;
    private readonly ConcurrentBag<PooledDatabase>? pool; // where it goes back to; null: dropped after use
    private readonly PooledDatabase entry;
    private int disposed; // a second DisposeAsync must not hand the database out twice

    /// <summary>What a pooled database keeps between renters; each renter gets its own <see cref="PostgresDatabase"/>.</summary>
    public sealed class PooledDatabase(string name)
    {
        public string Name { get; } = name;
        public Respawner? Respawner { get; set; } // made once the database holds every migration; the schema is fixed from then on
    }

    private PostgresDatabase(string admin, PooledDatabase entry, ConcurrentBag<PooledDatabase>? pool)
    {
        this.admin = admin;
        this.entry = entry;
        name = entry.Name;
        this.pool = pool;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public string ConnectionString { get; }

    public static Task<PostgresDatabase> CreateAsync() => CreateAsync(pool: null);

    /// <summary>An empty database, or one migrated by an earlier test and emptied since: the portal's start-up migration finds it current.</summary>
    public static Task<PostgresDatabase> RentAsync()
    {
        if (Interlocked.Exchange(ref exitHooked, 1) == 0) AppDomain.CurrentDomain.ProcessExit += (_, _) => DropAll(Pool);
        return RentAsync(Pool);
    }

    /// <summary>From a given pool (a test of the pool uses its own, out of the other tests' way).</summary>
    public static async Task<PostgresDatabase> RentAsync(ConcurrentBag<PooledDatabase> pool) =>
        pool.TryTake(out var entry) ? new PostgresDatabase(Admin(), entry, pool) : await CreateAsync(pool);

    private static string Admin()
    {
        var admin = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(admin))
            throw new InvalidOperationException($"{EnvironmentVariable} is not set: run the tests through ./test.sh, which starts PostgreSQL.");
        return admin;
    }

    public string Name => name;

    private static async Task<PostgresDatabase> CreateAsync(ConcurrentBag<PooledDatabase>? pool)
    {
        var admin = Admin();
        var name = "portal_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new PostgresDatabase(admin, new PooledDatabase(name), pool);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        if (pool is not null && await TryEmptyAsync())
        {
            pool.Add(entry);
            return;
        }
        await DropAsync();
    }

    /// <summary>
    /// TRUNCATE … CASCADE of every table but the migrations history, sequences restarted. Bounded: a lock left by the
    /// test, or a database the test made refuse connections, fails it within seconds and the database is dropped.
    /// </summary>
    private async Task<bool> TryEmptyAsync()
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 5, CommandTimeout = 30 };
            await using var conn = new NpgsqlConnection(builder.ConnectionString);
            await conn.OpenAsync();
            await using (var timeout = new NpgsqlCommand("SET lock_timeout = '5s'", conn)) await timeout.ExecuteNonQueryAsync();
            await using (var migrated = new NpgsqlCommand("SELECT to_regclass('public.\"__EFMigrationsHistory\"') IS NOT NULL", conn))
                if (await migrated.ExecuteScalarAsync() is not true) return await IsEmptyAsync(conn); // the portal never started on it
            // Only a database with every migration goes back: a test may have removed one from the history on purpose.
            var applied = new HashSet<string>();
            await using (var history = new NpgsqlCommand("SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\"", conn))
            await using (var reader = await history.ExecuteReaderAsync())
                while (await reader.ReadAsync()) applied.Add(reader.GetString(0));
            if (!applied.SetEquals(AllMigrations.Value)) return false;
            entry.Respawner ??= await Respawner.CreateAsync(conn, new RespawnerOptions
            {
                DbAdapter = DbAdapter.Postgres, SchemasToInclude = ["public"], WithReseed = true,
                TablesToIgnore = [new Table("public", "__EFMigrationsHistory")],
            });
            await entry.Respawner.ResetAsync(conn);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Only a database with no tables at all may go back unmigrated: anything else is a half-run migration.</summary>
    private static async Task<bool> IsEmptyAsync(NpgsqlConnection conn)
    {
        await using var tables = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", conn);
        return await tables.ExecuteScalarAsync() is 0L;
    }

    private async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
        try
        {
            await cmd.ExecuteNonQueryAsync();
        }
        catch (PostgresException)
        {
            // A leftover test database is clutter, not a failure of the test that used it.
        }
    }

    /// <summary>The pooled databases go with the test process (best effort: test.sh's machine is thrown away anyway).</summary>
    public static void DropAll(ConcurrentBag<PooledDatabase> pool)
    {
        while (pool.TryTake(out var entry))
        {
            try { new PostgresDatabase(Admin(), entry, null).DropAsync().Wait(TimeSpan.FromSeconds(5)); }
            catch (AggregateException) { }
        }
    }
}
