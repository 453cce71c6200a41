using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;

namespace Portal.Bench.Crash;

/// <summary>
/// The victim's database, read by the driver: the e-mailed codes a buyer would read in their inbox, the API key a
/// vendor admin would create, and the rows the final audit counts. A fresh SQLite file or a fresh PostgreSQL database.
/// </summary>
public sealed class VictimDb : IDbContextFactory<PortalDbContext>, IAsyncDisposable
{
    private readonly string? admin;
    private readonly string? pgName;
    private readonly string root = Directory.CreateTempSubdirectory("portal-crash-").FullName;

    public string Provider { get; }
    public string ConnectionString { get; }

    private VictimDb(string provider, string? connectionString, string? admin, string? pgName)
    {
        (Provider, this.admin, this.pgName) = (provider, admin, pgName);
        ConnectionString = connectionString ?? $"Data Source={Path.Combine(root, "portal.db")};Default Timeout=30";
    }

    public static async Task<VictimDb> CreateAsync(string provider)
    {
        if (!provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
            return new VictimDb("Sqlite", null, null, null);
        var admin = Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin)) throw new InvalidOperationException("--provider Postgres needs PORTAL_TEST_POSTGRES (an admin connection string).");
        var name = "portal_crash_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new VictimDb("Postgres", new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString, admin, name);
    }

    public PortalDbContext CreateDbContext() => Provider == "Postgres"
        ? new PostgresPortalDbContext(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(ConnectionString).Options)
        : new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite(ConnectionString).Options);

    /// <summary>--keep: leave the SQLite file for a post-mortem.</summary>
    public bool Keep { get; set; }
    public string Folder => root;

    public async ValueTask DisposeAsync()
    {
        if (Keep) { Console.WriteLine($"  kept the victim's database in {root}"); return; }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        if (admin is null) return;
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{pgName}\" WITH (FORCE)", conn);
        try { await cmd.ExecuteNonQueryAsync(); } catch (PostgresException) { } // clutter, not a failure of the run
    }
}
