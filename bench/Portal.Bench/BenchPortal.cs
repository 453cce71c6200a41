using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Data;

namespace Portal.Bench;

/// <summary>The real portal in this process on a real port: a fresh SQLite file (or PostgreSQL) and its simulator as AWS.</summary>
public sealed class BenchPortal : WebApplicationFactory<Program>
{
    private readonly string root = Directory.CreateTempSubdirectory("portal-bench-").FullName;
    private readonly Dictionary<string, string?> settings;

    public BenchPortal(IDictionary<string, string?> overrides, string? postgres)
    {
        settings = new()
        {
            ["Database:Provider"] = postgres is null ? "Sqlite" : "Postgres",
            ["ConnectionStrings:Portal"] = postgres ?? $"Data Source={Path.Combine(root, "portal.db")}",
            ["DataProtection:KeysPath"] = Path.Combine(root, "keys"),
            ["Portal:PublicBaseUrl"] = "http://127.0.0.1/",
            ["Marketplace:Mode"] = "Simulator",
            ["Marketplace:Products:0:ProductCode"] = Product,
            ["Marketplace:Products:0:Name"] = "Bench Analytics",
            ["DevTools:Enabled"] = "true",
            ["Email:Mode"] = "Mailbox",
            ["Logging:LogLevel:Default"] = "Warning",
            ["RateLimits:Enabled"] = "false", // the benchmark is the flood
        };
        foreach (var (k, v) in overrides) settings[k] = v;
        UseKestrel(0);
    }

    public const string Product = "benchpaygproduct000000001";

    public PortalDbContext Db() => Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Staging"); // Production refuses the simulator
        foreach (var (k, v) in settings) builder.UseSetting(k, v);
        builder.ConfigureLogging(l => l.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureServices(s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, BareLandingFilter>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// The baseline of the landing benchmark, in the same process: parse the same form, make the same single loopback
/// call (ResolveCustomer to the simulator, SigV4-signed by the same client) and redirect; nothing else.
/// </summary>
internal sealed class BareLandingFilter : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public const string Path = "/bench/bare-landing";

    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        app.Use(async (ctx, nextMiddleware) =>
        {
            if (ctx.Request.Path != Path) { await nextMiddleware(); return; }
            var form = await ctx.Request.ReadFormAsync();
            var client = ctx.RequestServices.GetRequiredService<Portal.Marketplace.Aws.IAmazonMarketplaceMetering>();
            await client.ResolveCustomerAsync(new() { RegistrationToken = form["x-amzn-marketplace-token"].ToString() }, ctx.RequestAborted);
            ctx.Response.StatusCode = 303;
            ctx.Response.Headers.Location = "/onboarding";
        });
        next(app);
    };
}
