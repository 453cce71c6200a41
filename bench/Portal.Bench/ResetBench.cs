using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;
using Respawn;
using Respawn.Graph;

namespace Portal.Bench;

/// <summary>
/// (h) What a PostgreSQL test pays for a clean database: today's way (CREATE DATABASE, the portal migrates it, DROP
/// DATABASE afterwards) against Respawn resetting one migrated database (DELETE in foreign-key order, the migrations
/// history kept). Decides whether Respawn would make the PostgreSQL pass faster; it changes nothing by itself.
/// </summary>
public static class ResetBench
{
    public static async Task<List<(string, string)>> RunAsync(string? admin, int runs)
    {
        admin ??= Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES")
            ?? throw new InvalidOperationException("reset needs PostgreSQL: --postgres \"<admin connection string>\" or PORTAL_TEST_POSTGRES.");
        var fresh = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            var name = await CreateAsync(admin);
            await MigrateAsync(Connection(admin, name));
            await DropAsync(admin, name);
            fresh.Add(clock.Elapsed.TotalMilliseconds);
        }

        var shared = await CreateAsync(admin);
        var connection = Connection(admin, shared);
        await MigrateAsync(connection);
        var reset = new List<double>();
        try
        {
            await using var conn = new NpgsqlConnection(connection);
            await conn.OpenAsync();
            var respawner = await Respawner.CreateAsync(conn, new RespawnerOptions
            {
                DbAdapter = DbAdapter.Postgres, SchemasToInclude = ["public"], TablesToIgnore = [new Table("__EFMigrationsHistory")],
            });
            for (var i = 0; i < runs; i++)
            {
                await SeedAsync(connection); // a test's worth of rows to delete
                var clock = Stopwatch.StartNew();
                await respawner.ResetAsync(conn);
                reset.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        finally
        {
            await DropAsync(admin, shared);
        }
        fresh.Sort();
        reset.Sort();
        return
        [
            ("(h) PostgreSQL per test today: CREATE DATABASE + migrations + DROP", Describe(fresh)),
            ("(h) PostgreSQL per test with Respawn: reset one migrated database", Describe(reset)),
        ];
    }

    private static string Describe(List<double> ms) => $"median {ms[ms.Count / 2]:F0} ms of {ms.Count} (min {ms[0]:F0}, max {ms[^1]:F0})";

    private static string Connection(string admin, string name) => new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;

    private static async Task<string> CreateAsync(string admin)
    {
        var name = "portal_bench_" + Guid.NewGuid().ToString("N")[..12];
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync();
        return name;
    }

    private static async Task DropAsync(string admin, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task MigrateAsync(string connection)
    {
        await using var db = new PostgresPortalDbContext(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(connection).Options);
        await db.Database.MigrateAsync();
    }

    private static async Task SeedAsync(string connection)
    {
        await using var db = new PostgresPortalDbContext(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(connection).Options);
        for (var i = 0; i < 20; i++)
            db.Organizations.Add(new Portal.Organizations.Organization { Name = $"Org {i}", CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }
}
