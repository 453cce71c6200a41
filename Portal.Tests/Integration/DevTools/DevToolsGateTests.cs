using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.DevTools;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.DevTools;

/// <summary>Dev tools (the mailbox, the simulated AWS) never run in Production, and answer only behind one gate elsewhere.</summary>
public sealed class DevToolsGateTests
{
    [Theory]
    [InlineData("true", "Aws", "DevTools:Enabled")]
    [InlineData("false", "Simulator", "Marketplace:Mode")]
    public async Task Production_with_a_dev_tool_on_refuses_to_start_naming_the_key(string devTools, string mode, string named)
    {
        await using var app = new PortalAppFactory(new Dictionary<string, string?>
        {
            ["environment"] = "Production", ["DevTools:Enabled"] = devTools, ["Marketplace:Mode"] = mode,
        });

        var ex = Assert.ThrowsAny<Exception>(() => app.BaseAddress);

        var validation = ex as OptionsValidationException ?? ex.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains(named, validation.Message);
        Assert.Contains("Production", validation.Message);
    }

    [Fact]
    public async Task The_simulator_without_dev_tools_refuses_to_start_naming_the_key()
    {
        await using var app = new PortalAppFactory(new Dictionary<string, string?> { ["DevTools:Enabled"] = "false", ["Marketplace:Mode"] = "Simulator" });

        var ex = Assert.ThrowsAny<Exception>(() => app.BaseAddress);

        Assert.Contains("DevTools:Enabled", (ex as OptionsValidationException ?? ex.InnerException)?.Message);
    }

    [Theory]
    [InlineData("/_simulator/aws/metering/")]
    [InlineData("/_simulator/sns/SimpleNotificationService-simulator.pem")]
    [InlineData("/_SIMULATOR/aws/entitlement/")]
    [InlineData("/dev/mailbox")]
    public async Task Every_simulator_and_dev_route_is_behind_the_gate(string path)
    {
        await using var off = await GatedAppAsync(enabled: false);
        await using var on = await GatedAppAsync(enabled: true);

        Assert.Equal(HttpStatusCode.NotFound, (await off.GetTestClient().GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await on.GetTestClient().GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await off.GetTestClient().GetAsync("/developers")).StatusCode); // a prefix of a word is not the gate's
    }

    [Fact]
    public async Task The_portal_with_dev_tools_on_still_serves_its_simulator()
    {
        await using var app = new PortalAppFactory();
        using var client = app.CreateBrowser();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/_simulator/sns/SimpleNotificationService-simulator.pem")).StatusCode);
    }

    /// <summary>The portal's gate in front of endpoints at every gated path, as if anything had been mapped there.</summary>
    private static async Task<WebApplication> GatedAppAsync(bool enabled)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.Configure<DevToolsOptions>(o => o.Enabled = enabled);
        var app = builder.Build();
        app.UseDevToolsGate();
        app.MapGet("/{**path}", () => "reached");
        await app.StartAsync();
        return app;
    }
}
