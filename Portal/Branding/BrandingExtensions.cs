using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Portal.Branding;

namespace Microsoft.Extensions.DependencyInjection;

public static class BrandingExtensions
{
    public const string AssetsRequestPath = "/brand";

    public static IHostApplicationBuilder AddBranding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BrandOptions>().BindConfiguration(BrandOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => BrandTheme.Create(sp.GetRequiredService<IOptions<BrandOptions>>().Value));
        builder.Services.AddSingleton<BrandThemeStyles>();
        builder.Services.AddMudServices(config =>
        {
            config.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomCenter;
            config.SnackbarConfiguration.PreventDuplicates = true;
            config.SnackbarConfiguration.VisibleStateDuration = 6000;
        });
        return builder;
    }

    /// <summary>Serves the vendor's wwwroot-assets folder (next to the portal when published, at the repo root in a clone).</summary>
    public static WebApplication UseBrandAssets(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<BrandOptions>>().Value;
        var candidates = AssetsFolderCandidates(options, app.Environment.ContentRootPath);
        var folder = candidates.FirstOrDefault(Directory.Exists)
            ?? throw new OptionsValidationException("Brand:AssetsPath", typeof(BrandOptions),
                [$"Brand:AssetsPath: no brand assets folder found (looked in {string.Join(", ", candidates)})."]);
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(folder), RequestPath = AssetsRequestPath });
        return app;
    }

    /// <summary>Where the brand assets folder may be, first match wins (also read by the e-mails for the logo).</summary>
    public static string[] AssetsFolderCandidates(BrandOptions options, string contentRoot) => options.AssetsPath is { Length: > 0 } p
        ? [Path.GetFullPath(Path.Combine(contentRoot, p))]
        : [Path.Combine(contentRoot, "wwwroot-assets"), Path.GetFullPath(Path.Combine(contentRoot, "..", "wwwroot-assets"))];
}
