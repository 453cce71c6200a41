using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Portal.Data;

/// <summary>
/// Applies the provider's migrations before the portal serves its first request, so a fresh SQLite file or an
/// empty PostgreSQL database just works. It runs in StartingAsync, before any hosted service's StartAsync: the
/// data-protection key ring (kept in the database) and the workers need the tables.
/// </summary>
internal sealed class DatabaseMigrator(
    IDbContextFactory<PortalDbContext> factory, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        if (options.Value.MigrateOnStartup)
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                logger.LogInformation("Applying {Count} database migration(s): {Migrations}", pending.Count, pending);
                await db.Database.MigrateAsync(cancellationToken);
            }
        }
        if (db.Database.IsSqlite())
        {
            // WAL lets the wizard read while the landing endpoint writes; the setting persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
