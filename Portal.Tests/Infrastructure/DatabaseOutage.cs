using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Makes a running portal's real database unavailable until disposed, the way it happens in production:
/// SQLite — another process holds the write lock (a long maintenance or import transaction), so every write waits
/// out the busy timeout and fails with "database is locked"; in WAL mode reads still work, as they do in production;
/// PostgreSQL — the server drops every connection and refuses new ones, as during a restart or fail-over.
/// </summary>
public sealed class DatabaseOutage : IAsyncDisposable
{
    private readonly SqliteConnection? holder;
    private readonly SqliteTransaction? transaction;
    private readonly string? postgresDatabase;

    private DatabaseOutage(SqliteConnection? holder, SqliteTransaction? transaction, string? postgresDatabase)
    {
        this.holder = holder;
        this.transaction = transaction;
        this.postgresDatabase = postgresDatabase;
    }

    /// <summary>
    /// SQLite connection options for a portal whose outage should fail fast: the busy timeout is how long each
    /// write waits on the lock before failing, and the default 30 s would make every step of a test wait that long.
    /// (On PostgreSQL a refused connection fails at once.)
    /// </summary>
    public const string FastFailingSqlite = "Default Timeout=1";

    public static async Task<DatabaseOutage> StartAsync(IServiceProvider services)
    {
        var config = services.GetRequiredService<IConfiguration>();
        var connectionString = config.GetConnectionString("Portal")!;
        if (config["Database:Provider"] == "Postgres")
        {
            var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
            await AdminAsync($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false",
                $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid() AND usename = current_user");
            return new DatabaseOutage(null, null, database);
        }
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await connection.OpenAsync();
        // BEGIN IMMEDIATE and a write: the write lock is held until the rollback at the end, which leaves no trace.
        var transaction = connection.BeginTransaction();
        await using (var write = connection.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = "CREATE TABLE outage_marker (x); INSERT INTO outage_marker VALUES (1);";
            await write.ExecuteNonQueryAsync();
        }
        return new DatabaseOutage(connection, transaction, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (holder is not null)
        {
            await transaction!.RollbackAsync();
            await holder.DisposeAsync(); // closing releases the exclusive lock
        }
        if (postgresDatabase is not null) await AdminAsync($"ALTER DATABASE \"{postgresDatabase}\" ALLOW_CONNECTIONS true");
    }

    private static async Task AdminAsync(params string[] statements)
    {
        await using var conn = new NpgsqlConnection(Environment.GetEnvironmentVariable(PostgresDatabase.EnvironmentVariable));
        await conn.OpenAsync();
        foreach (var sql in statements)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
