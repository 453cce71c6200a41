using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.Bench;

/// <summary>The bare Blazor Server app (bench/Bare) on a real port in this process: the baseline beside the portal.</summary>
public sealed class BareApp : WebApplicationFactory<Bare.BareProgram>
{
    private readonly TimeSpan? keepAlive;

    public BareApp(TimeSpan? keepAlive = null)
    {
        this.keepAlive = keepAlive;
        // The factory guesses the content root as <solution>/Bare; the project sits under bench/.
        var repo = Directory.GetCurrentDirectory();
        while (!File.Exists(Path.Combine(repo, "Onboarding.sln")) && Directory.GetParent(repo) is { } parent) repo = parent.FullName;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_BARE", Path.Combine(repo, "bench", "Bare"));
        UseKestrel(0);
    }

    public string BaseUrl
    {
        get
        {
            StartServer();
            return Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1");
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        if (keepAlive is { } k) builder.UseSetting(CircuitBench.KeepAlive, k.ToString());
        builder.ConfigureLogging(l => l.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning));
    }
}
