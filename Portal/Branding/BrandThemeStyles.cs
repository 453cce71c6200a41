using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace Portal.Branding;

/// <summary>
/// The theme's CSS, made once: MudThemeProvider's own output for the light palette, and its dark palette inside
/// <c>@media (prefers-color-scheme: dark)</c>. Written into the static document head (App.razor, StaticShell), so no
/// circuit holds the theme's style text, its palettes or a JS watcher of the system setting (a heap snapshot showed
/// them among each circuit's largest retained objects), and dark mode still follows the buyer's system, live.
/// </summary>
public sealed partial class BrandThemeStyles(IServiceProvider services, ILoggerFactory loggers, MudTheme theme)
{
    private readonly Lazy<Task<MarkupString>> css = new(() => BuildAsync(services, loggers, theme));

    public Task<MarkupString> CssAsync() => css.Value;

    private static async Task<MarkupString> BuildAsync(IServiceProvider services, ILoggerFactory loggers, MudTheme theme)
    {
        var light = await RenderAsync(services, loggers, theme, dark: false);
        var dark = await RenderAsync(services, loggers, theme, dark: true);
        // The provider writes a <style> per part (scrollbar, charts, theme variables); the variables' block is the last.
        var darkVariables = StyleBlock().Matches(dark).Last().Groups[1].Value;
        return new MarkupString(light + $"<style>@media (prefers-color-scheme: dark) {{ {darkVariables} }}</style>");
    }

    private static async Task<string> RenderAsync(IServiceProvider services, ILoggerFactory loggers, MudTheme theme, bool dark)
    {
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<MudThemeProvider>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(MudThemeProvider.Theme)] = theme,
                [nameof(MudThemeProvider.IsDarkMode)] = dark,
            }));
            return output.ToHtmlString();
        });
    }

    [GeneratedRegex(@"<style[^>]*>\s*(.*?)\s*</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlock();
}
