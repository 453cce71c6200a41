using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Localization;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Unit.Localization;

/// <summary>MudBlazor's own strings in our resx: the same keys in every language, and keys MudBlazor still uses.</summary>
public sealed class MudTranslationsTests
{
    private static Dictionary<string, string> Read(string? culture) =>
        XDocument.Load(RepoPaths.Combine("Portal", "Localization", culture is null ? "MudResources.resx" : $"MudResources.{culture}.resx"))
            .Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    private static string[] Placeholders(string value) => [.. Regex.Matches(value, @"\{\d+\}").Select(m => m.Value).Distinct().Order()];

    [Fact]
    public void Every_key_is_translated_with_the_same_placeholders_and_is_one_MudBlazor_knows()
    {
        var english = Read(null);
        var mud = new ResourceManager("MudBlazor.Resources.LanguageResource", typeof(MudDataGrid<>).Assembly);
        foreach (var (key, value) in english)
        {
            // A key MudBlazor renamed or dropped would silently fall back to English.
            Assert.True(mud.GetString(key, CultureInfo.InvariantCulture) is { } original, $"MudBlazor has no {key}");
            Assert.Equal(Placeholders(mud.GetString(key, CultureInfo.InvariantCulture)!), Placeholders(value));
        }
        foreach (var culture in new[] { "zh-CN", "ja" })
        {
            var translated = Read(culture);
            Assert.Equal(english.Keys.Order(), translated.Keys.Order());
            foreach (var (key, value) in english)
            {
                Assert.False(string.IsNullOrWhiteSpace(translated[key]), $"{culture}: {key} is empty");
                Assert.True(Placeholders(value).SequenceEqual(Placeholders(translated[key])), $"{culture}: {key} has other placeholders");
            }
        }
    }

    [Fact]
    public async Task The_portal_registers_them_for_MudBlazor()
    {
        await using var app = new PortalAppFactory();
        var before = CultureInfo.CurrentUICulture;
        try
        {
            var interceptor = app.Services.GetRequiredService<ILocalizationInterceptor>();
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ja");
            Assert.Equal("表示件数：", interceptor.Handle("MudDataGridPager_RowsPerPage").Value);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
            Assert.Equal("下一页", interceptor.Handle("MudDataGridPager_NextPage").Value);
            Assert.Equal("Spectrum", interceptor.Handle("MudColorPicker_SpectrumView").Value); // not carried: MudBlazor's English
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
            Assert.Equal("Rows per page:", interceptor.Handle("MudDataGridPager_RowsPerPage").Value);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
