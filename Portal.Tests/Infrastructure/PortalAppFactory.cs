using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Data;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The real portal on a real Kestrel port with a real database (a fresh SQLite file, or a fresh PostgreSQL
/// database), the built-in simulator as AWS, and every log line captured.
/// </summary>
public sealed class PortalAppFactory : WebApplicationFactory<Program>
{
    public const string PaygProduct = "testpaygproduct0000000001";
    public const string ContractProduct = "testcontractproduct000002";

    private readonly string root = Directory.CreateTempSubdirectory("portal-test-").FullName;
    private readonly Dictionary<string, string?> settings;
    private readonly Action<IServiceCollection>? configureServices;

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Set to <c>Postgres</c> (./test.sh's second pass) to run every test that does not choose a provider on PostgreSQL.</summary>
    public const string ProviderVariable = "PORTAL_TEST_PROVIDER";
    private readonly PostgresDatabase? ownDatabase;

    /// <param name="sqliteOptions">Appended to the SQLite connection string (e.g. "Default Timeout=1"); ignored on PostgreSQL.</param>
    public PortalAppFactory(IDictionary<string, string?>? overrides = null, string? postgresConnection = null,
        Action<IServiceCollection>? configureServices = null, string? sqliteOptions = null)
    {
        this.configureServices = configureServices;
        if (postgresConnection is null && Environment.GetEnvironmentVariable(ProviderVariable) == "Postgres")
        {
            ownDatabase = PostgresDatabase.RentAsync().GetAwaiter().GetResult();
            postgresConnection = ownDatabase.ConnectionString;
        }
        // A port chosen before start so the public base URL (every e-mail link) is this server's own address.
        var port = FreePort();
        settings = new Dictionary<string, string?>
        {
            ["Portal:PublicBaseUrl"] = $"http://127.0.0.1:{port}/",
            ["Database:Provider"] = postgresConnection is null ? "Sqlite" : "Postgres",
            ["ConnectionStrings:Portal"] = postgresConnection ?? $"Data Source={Path.Combine(root, "portal.db")}" + (sqliteOptions is null ? "" : ";" + sqliteOptions),
            ["DataProtection:KeysPath"] = Path.Combine(root, "keys"),
            ["Marketplace:Mode"] = "Simulator",
            // The simulator's automatic subscribe-success is off unless a test asks for it: statuses stay where tests put them.
            ["Simulator:ConfirmDelay"] = "00:00:00",
            ["Marketplace:Products:0:ProductCode"] = PaygProduct,
            ["Marketplace:Products:0:Name"] = "Test Analytics",
            ["Marketplace:Products:0:ListingUrl"] = "https://aws.amazon.com/marketplace/pp/prodview-test",
            ["Marketplace:Products:1:ProductCode"] = ContractProduct,
            ["Marketplace:Products:1:Name"] = "Test Enterprise",
            ["Marketplace:Products:1:PricingModel"] = "Contract",
            ["Marketplace:Calls:AttemptTimeout"] = "00:00:01",
            ["Marketplace:Calls:MaxTotalTime"] = "00:00:03",
            ["Marketplace:Calls:BaseDelay"] = "00:00:00.010",
            ["Marketplace:Calls:MaxDelay"] = "00:00:00.050",
            ["Brand:Name"] = "Testbrand Cloud",
            ["Brand:SupportUrl"] = "https://support.testbrand.example/help",
            ["DevTools:Enabled"] = "true",
            ["Email:Mode"] = "Mailbox",
            ["RateLimits:Enabled"] = "false", // tests of the limits turn them on with small numbers
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
            ["Logging:LogLevel:System"] = "Trace",
        };
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>()) settings[k] = v;
        UseKestrel(port);
    }

    private static int FreePort() => TestPorts.Next();

    public string SqlitePath => Path.Combine(root, "portal.db");

    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
        }
    }

    /// <summary>A client that does not follow redirects, with its own cookie jar like one browser.</summary>
    public HttpClient CreateBrowser(bool followRedirects = false, System.Net.CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = followRedirects, UseCookies = true, CookieContainer = cookies ?? new() })
        {
            BaseAddress = BaseAddress,
        };

    /// <summary>Subscribes <paramref name="account"/> in the simulator and lands like AWS's button; returns the stored subscription.</summary>
    public async Task<Portal.Marketplace.Subscriptions.MarketplaceSubscription> LandAsync(string account,
        Portal.Marketplace.Simulator.SimulatedOffer offer = Portal.Marketplace.Simulator.SimulatedOffer.Payg)
    {
        var product = offer == Portal.Marketplace.Simulator.SimulatedOffer.Payg ? PaygProduct : ContractProduct;
        var token = Services.GetRequiredService<Portal.Marketplace.Simulator.SimulatorTokens>().Mint(product, offer, account);
        using var browser = CreateBrowser();
        var response = await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]));
        if ((int)response.StatusCode != 303) throw new InvalidOperationException($"Landing answered {(int)response.StatusCode}.");
        await using var db = CreateDbContext();
        return await db.Subscriptions.SingleAsync(s => s.CustomerAwsAccountId == account);
    }

    public PortalDbContext CreateDbContext() =>
        Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (k, v) in settings) builder.UseSetting(k, v);
        builder.ConfigureLogging(l => { l.ClearProviders(); l.AddProvider(Logs); });
        if (configureServices is not null) builder.ConfigureServices(configureServices);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (ownDatabase is not null) await ownDatabase.DisposeAsync();
        try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
