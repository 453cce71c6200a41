using Microsoft.Extensions.Options;
using Portal.DevTools;

namespace Microsoft.Extensions.DependencyInjection;

public static class DevToolsExtensions
{
    public static IHostApplicationBuilder AddDevTools(this IHostApplicationBuilder builder)
    {
        var explicitlySet = builder.Configuration[$"{DevToolsOptions.SectionName}:Enabled"] is not null;
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<DevToolsOptions>().BindConfiguration(DevToolsOptions.SectionName)
            .PostConfigure(o => { if (!explicitlySet) o.Enabled = isDevelopment; });
        return builder;
    }

    /// <summary>Everything under /dev answers 404 unless DevTools are on, whatever component or endpoint sits there.</summary>
    public static WebApplication UseDevToolsGate(this WebApplication app)
    {
        var enabled = app.Services.GetRequiredService<IOptions<DevToolsOptions>>().Value.Enabled;
        if (!enabled)
            app.Use((ctx, next) => ctx.Request.Path.StartsWithSegments("/dev")
                ? Results.NotFound().ExecuteAsync(ctx) : next(ctx));
        return app;
    }
}
