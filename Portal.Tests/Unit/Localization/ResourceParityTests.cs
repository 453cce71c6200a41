using System.Xml.Linq;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Unit.Localization;

/// <summary>Every text the portal shows in English also exists in Chinese and Japanese, and no translation is orphaned.</summary>
public sealed class ResourceParityTests
{
    private static HashSet<string> Keys(string culture) =>
        XDocument.Load(RepoPaths.Combine("Portal", "Localization", $"SharedResources{culture}.resx"))
            .Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();

    [Theory]
    [InlineData(".zh-CN")]
    [InlineData(".ja")]
    public void SharedResources_Culture_HasExactlyTheEnglishKeys(string culture)
    {
        var english = Keys("");

        var translated = Keys(culture);

        Assert.Empty(english.Except(translated));
        Assert.Empty(translated.Except(english));
    }
}
