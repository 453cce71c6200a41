using Microsoft.AspNetCore.DataProtection;
using Portal.Operations;

namespace Microsoft.Extensions.DependencyInjection;

public static class PortalDefaults
{
    /// <summary>Framework plumbing every feature relies on: time, components, identity store, data protection.</summary>
    public static IHostApplicationBuilder AddPortalDefaults(this IHostApplicationBuilder builder)
    {
        builder.Configuration.AddTopLevelDevelopmentSettings(builder.Environment);
        builder.Services.AddSingleton(TimeProvider.System);
        // Hosting's request lines carry the query string, and the landing's GET form has the registration token
        // there. Appended after configuration's rules, so this wins even if an operator turns those lines on.
        builder.Services.PostConfigure<LoggerFilterOptions>(o => o.Rules.Add(
            new LoggerFilterRule(null, "Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning, null)));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        var redis = builder.AddPortalRedis();
        builder.Services.AddDataProtection().SetApplicationName("onboarding-portal")
            .ProtectKeysWithConfiguredCertificate(builder.Configuration, builder.Environment)
            .PersistKeysToConfiguredStore(builder.Configuration, builder.Environment, redis);
        return builder;
    }

    /// <summary>
    /// The repository keeps appsettings.Development.json at its top level, beside Portal/; load it where
    /// appsettings.{Environment}.json would sit, so environment variables and the command line still win.
    /// </summary>
    private static void AddTopLevelDevelopmentSettings(this IConfigurationManager config, IHostEnvironment env)
    {
        if (!env.IsDevelopment()) return;
        var file = Path.GetFullPath(Path.Combine(env.ContentRootPath, "..", "appsettings.Development.json"));
        if (!File.Exists(file) || File.Exists(Path.Combine(env.ContentRootPath, "appsettings.Development.json"))) return;
        var sources = ((IConfigurationBuilder)config).Sources;
        var at = sources.Select((s, i) => (s, i)).LastOrDefault(x =>
            x.s is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource j && j.Path?.StartsWith("appsettings", StringComparison.Ordinal) == true).i;
        var source = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = file, Optional = true, ReloadOnChange = false };
        source.ResolveFileProvider();
        sources.Insert(at + 1, source);
        config.GetReloadToken(); // forces a reload of the sources with the new one in place
    }
}
