using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Portal.Localization;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Unit.Localization;

/// <summary>Every string exists in English, Chinese and Japanese, with the same placeholders, in every resource set.</summary>
public sealed class ResourceParityTests
{
    public static readonly TheoryData<string> ResourceSets = new() { "SharedResources", "AdminResources" };
    private static readonly string[] Cultures = ["zh-CN", "ja"];

    private static Dictionary<string, string> Read(string set, string? culture) =>
        XDocument.Load(RepoPaths.Combine("Portal", "Localization", culture is null ? $"{set}.resx" : $"{set}.{culture}.resx"))
            .Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    private static string[] Placeholders(string value) =>
        Regex.Matches(value, @"\{\d+(:[^}]*)?\}").Select(m => m.Value).Distinct().Order().ToArray();

    [Theory]
    [MemberData(nameof(ResourceSets))]
    public void Resx_EveryCulture_SameKeysAndPlaceholdersNoneEmpty(string set)
    {
        var english = Read(set, null);
        Assert.NotEmpty(english);
        foreach (var culture in Cultures)
        {
            var translated = Read(set, culture);
            Assert.Equal(english.Keys.Order(), translated.Keys.Order());
            foreach (var (key, value) in english)
            {
                Assert.False(string.IsNullOrWhiteSpace(translated[key]), $"{set}.{culture}: {key} is empty");
                Assert.True(Placeholders(value).SequenceEqual(Placeholders(translated[key])), $"{set}.{culture}: {key} has other placeholders");
            }
        }
    }

    [Fact]
    public void AdminResources_Chinese_UsesTheConsoleTerms()
    {
        var zh = Read("AdminResources", "zh-CN");
        var ja = Read("AdminResources", "ja");

        Assert.Equal("供应商管理控制台", zh["Console.Title"]);
        Assert.Equal("订阅", zh["Tab.Subscriptions"]);
        Assert.Equal("组织", zh["Column.Organization"]);
        Assert.Equal("ベンダー管理コンソール", ja["Console.Title"]);
        Assert.Equal("サブスクリプション", ja["Tab.Subscriptions"]);
        Assert.Equal("組織", ja["Column.Organization"]);
    }

    [Fact]
    public async Task AdminResources_CompiledIntoThePortal_ResolvedByCulture()
    {
        await using var app = new PortalAppFactory();
        var localizer = app.Services.GetRequiredService<IStringLocalizer<AdminResources>>();
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ja");
            Assert.Equal("ベンダー管理コンソール", localizer["Console.Title"].Value);
            Assert.False(localizer["Console.Title"].ResourceNotFound);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
