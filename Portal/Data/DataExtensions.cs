using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Microsoft.Extensions.DependencyInjection;

public static class DataExtensions
{
    public static IHostApplicationBuilder AddPortalData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new();
        var connectionString = builder.Configuration.GetConnectionString("Portal");

        if (options.Provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new OptionsValidationException("ConnectionStrings:Portal", typeof(DatabaseOptions),
                    ["ConnectionStrings:Portal is required when Database:Provider is Postgres."]);
            builder.Services.AddDbContextFactory<PostgresPortalDbContext>((sp, o) => o.UseNpgsql(connectionString).AddInterceptors(sp.GetServices<IInterceptor>()));
            builder.Services.AddSingleton<IDbContextFactory<PortalDbContext>, PortalDbContextFactory<PostgresPortalDbContext>>();
            builder.Services.AddScoped<PortalDbContext>(sp => sp.GetRequiredService<PostgresPortalDbContext>());
        }
        else
        {
            connectionString = SqliteConnectionString(connectionString, builder.Environment.ContentRootPath);
            builder.Services.AddDbContextFactory<SqlitePortalDbContext>((sp, o) => o.UseSqlite(connectionString)
                .AddInterceptors(sp.GetServices<IInterceptor>()).AddInterceptors(new SqlitePragmas()));
            builder.Services.AddSingleton<IDbContextFactory<PortalDbContext>, PortalDbContextFactory<SqlitePortalDbContext>>();
            builder.Services.AddScoped<PortalDbContext>(sp => sp.GetRequiredService<SqlitePortalDbContext>());
        }

        builder.Services.AddHostedService<DatabaseMigrator>();
        return builder;
    }

    /// <summary>The embedded default is a file under App_Data; its folder is created so a fresh clone just runs.</summary>
    internal static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var csb = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(configured) ? "Data Source=App_Data/portal.db" : configured);
        if (csb.DataSource != ":memory:" && !Path.IsPathRooted(csb.DataSource))
            csb.DataSource = Path.Combine(contentRoot, csb.DataSource);
        var dir = Path.GetDirectoryName(csb.DataSource);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        // Default Timeout is also how long SQLite waits on another connection's lock before "database is locked".
        // An explicit value is kept (an operator may prefer a quick, clear error page to a long wait); 0 would wait
        // forever on a lock, so it gets SQLite's usual 30 seconds.
        if (csb.DefaultTimeout <= 0) csb.DefaultTimeout = 30;
        return csb.ToString();
    }
}

internal sealed class PortalDbContextFactory<T>(IDbContextFactory<T> inner) : IDbContextFactory<PortalDbContext>
    where T : PortalDbContext
{
    public PortalDbContext CreateDbContext() => inner.CreateDbContext();
}
