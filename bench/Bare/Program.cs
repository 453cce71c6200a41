using Bare.Components;

namespace Bare;

/// <summary>
/// A minimal interactive Blazor Web App (a counter with one input): what any Blazor Server circuit costs. The
/// benchmark hosts it in its own process beside the portal (WebApplicationFactory), with the same Chromium.
/// </summary>
public sealed class BareProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.UseStaticWebAssets(); // blazor.web.js from the build output in Production, as the portal does
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        var app = builder.Build();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.Run();
    }
}
