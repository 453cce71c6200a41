using Npgsql;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database on the PostgreSQL server test.sh starts (PORTAL_TEST_POSTGRES names an admin
/// connection); dropped afterwards. Without that server the test fails rather than pretending to pass.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "PORTAL_TEST_POSTGRES";
    private readonly string admin;
    private readonly string name;

    private PostgresDatabase(string admin, string connectionString, string name)
    {
        this.admin = admin;
        this.name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(admin))
            throw new InvalidOperationException($"{EnvironmentVariable} is not set: run the tests through ./test.sh, which starts PostgreSQL.");
        var name = "portal_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new PostgresDatabase(admin, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString, name);
    }

    public async ValueTask DisposeAsync()
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
}
