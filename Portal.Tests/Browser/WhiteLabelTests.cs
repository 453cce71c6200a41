using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>The same portal under another vendor's brand: name, logo, theme and support link are configuration only.</summary>
public sealed class WhiteLabelTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string BrandName = "Nimbus Watch";
    private const string SupportUrl = "https://help.nimbus-watch.example/desk";
    private const string ThemeColour = "#7a1f5c";
    private readonly string assets = Directory.CreateTempSubdirectory("brand-assets-").FullName;
    private PortalAppFactory app = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(assets, "logo.svg"),
            """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><title>nimbus-logo</title><circle cx="16" cy="16" r="14" fill="#7a1f5c"/></svg>""");
        await File.WriteAllTextAsync(Path.Combine(assets, "favicon.svg"),
            """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="#7a1f5c"/></svg>""");
        await File.WriteAllTextAsync(Path.Combine(assets, "theme.css"), ".portal-footer { letter-spacing: 1px; } /* nimbus-theme */\n");
        app = new PortalAppFactory(new Dictionary<string, string?>
        {
            ["Brand:Name"] = BrandName, ["Brand:SupportUrl"] = SupportUrl, ["Brand:AssetsPath"] = assets,
            ["Brand:PrimaryColor"] = ThemeColour, ["Brand:CornerRadius"] = "2",
        });
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        try { Directory.Delete(assets, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task OtherBrand_TitleHeaderFooterThemeAndEmail_ShowIt()
    {
        var page = await BuyerSteps.LandAtAccountAsync(await browser.Browser.NewContextAsync(app));
        await page.ShotAsync("brand-01-account");

        Assert.Contains(BrandName, await page.TitleAsync());
        Assert.Equal(BrandName, (await page.Locator(".portal-brand").InnerTextAsync()).Trim());
        Assert.Equal(SupportUrl, await page.Locator(".portal-footer a").GetAttributeAsync("href"));
        Assert.Contains("nimbus-logo", await (await page.APIRequest.GetAsync("brand/logo.svg")).TextAsync());
        Assert.Contains("nimbus-theme", await (await page.APIRequest.GetAsync("brand/theme.css")).TextAsync());
        // The MudBlazor theme is built from the brand settings: its primary colour and radius reach the page.
        Assert.Equal("rgba(122,31,92,1)", (await page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-primary')")).Replace(" ", "").Trim()); // #7a1f5c
        Assert.Equal("2px", (await page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--mud-default-borderradius')")).Trim());
        Assert.Equal("1px", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.portal-footer')).letterSpacing")); // theme.css is loaded

        await BuyerSteps.RegisterAsync(page, "ada@example.com");
        await page.ShotAsync("brand-02-verify");
        await using var db = app.CreateDbContext();
        var mail = await db.EmailMessages.SingleAsync(m => m.To == "ada@example.com");
        Assert.Contains(BrandName, mail.Subject + mail.TextBody);
        Assert.Contains(BrandName, mail.HtmlBody);
        Assert.DoesNotContain("Testbrand", mail.Subject + mail.TextBody + mail.HtmlBody);
    }

    /// <summary>The demo brand of appsettings.Development.json must live in configuration only, never in the source.</summary>
    [Fact]
    public void Source_HasNoDemoBrandNames()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("appsettings.Development.json")));
        var names = new List<string> { settings.RootElement.GetProperty("Brand").GetProperty("Name").GetString()! };
        names.AddRange(settings.RootElement.GetProperty("Marketplace").GetProperty("Products").EnumerateArray()
            .Select(p => p.GetProperty("Name").GetString()!));
        string[] kinds = [".razor", ".cs", ".resx", ".html", ".txt", ".css", ".js"];
        var portal = RepoPaths.Combine("Portal");
        var sources = Directory.EnumerateFiles(portal, "*", SearchOption.AllDirectories)
            .Where(f => kinds.Contains(Path.GetExtension(f)))
            .Where(f => !Path.GetRelativePath(portal, f).Split(Path.DirectorySeparatorChar).Any(d => d is "bin" or "obj" or "_framework"))
            .ToList();

        var hits = sources.SelectMany(f => names.Where(n => File.ReadAllText(f).Contains(n, StringComparison.OrdinalIgnoreCase))
            .Select(n => $"{Path.GetRelativePath(portal, f)}: {n}")).ToList();

        Assert.NotEmpty(sources);
        Assert.Empty(hits);
    }
}
