using Microsoft.Extensions.Options;
using Portal.DevTools;
using Portal.Marketplace;

namespace Microsoft.Extensions.DependencyInjection;

public static class DevToolsExtensions
{
    /// <summary>The paths only dev tools answer: the tools themselves and the simulated AWS (its APIs and certificate).</summary>
    public static readonly string[] GatedPrefixes = ["/dev", "/_simulator"];

    public static IHostApplicationBuilder AddDevTools(this IHostApplicationBuilder builder)
    {
        var explicitlySet = builder.Configuration[$"{DevToolsOptions.SectionName}:Enabled"] is not null;
        var isDevelopment = builder.Environment.IsDevelopment();
        var isProduction = builder.Environment.IsProduction();
        // The mailbox hands every code and reset link to anyone, and the simulator accepts any "AWS" call: in
        // Production either one is a hole, so start-up refuses rather than trusting the operator's environment file.
        builder.Services.AddOptions<DevToolsOptions>().BindConfiguration(DevToolsOptions.SectionName)
            .PostConfigure(o => { if (!explicitlySet) o.Enabled = isDevelopment; })
            .Validate(o => !(isProduction && o.Enabled),
                "DevTools:Enabled (DevTools__Enabled) is true in Production: /dev/mailbox would show every e-mail, codes and reset links " +
                "included, to anyone. Turn it off.")
            .Validate<IOptions<MarketplaceOptions>>((_, m) => !(isProduction && m.Value.Mode == MarketplaceMode.Simulator),
                "Marketplace:Mode (Marketplace__Mode) is Simulator in Production: the simulated AWS would accept anyone's calls. Use Aws.")
            .Validate<IOptions<MarketplaceOptions>>((o, m) => o.Enabled || m.Value.Mode != MarketplaceMode.Simulator,
                "Marketplace:Mode is Simulator but DevTools:Enabled (DevTools__Enabled) is false: the simulator's routes are dev tools and " +
                "answer only with DevTools on. Turn DevTools on, or use Marketplace:Mode=Aws.")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>
    /// Everything under /dev and /_simulator answers 404 unless DevTools are on, whatever component or endpoint sits
    /// there: one gate, so a tool added later cannot be left outside it.
    /// </summary>
    public static WebApplication UseDevToolsGate(this WebApplication app)
    {
        var enabled = app.Services.GetRequiredService<IOptions<DevToolsOptions>>().Value.Enabled;
        if (!enabled)
            app.Use((ctx, next) => IsGated(ctx.Request.Path) ? Results.NotFound().ExecuteAsync(ctx) : next(ctx));
        return app;
    }

    public static bool IsGated(PathString path) => GatedPrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
}
