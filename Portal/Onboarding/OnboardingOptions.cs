using Microsoft.Extensions.Options;
using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Portal.Onboarding;

public sealed class OnboardingOptions
{
    public const string SectionName = "Onboarding";

    /// <summary>Where workspaces can be created; chosen once, never changed. One site skips the step.</summary>
    [MinLength(1), ValidateEnumeratedItems] public List<SiteOption> Sites { get; set; } = [];

    /// <summary>Workspace languages (of alerts and templates, not of the UI).</summary>
    [MinLength(1), ValidateEnumeratedItems] public List<LanguageOption> WorkspaceLanguages { get; set; } = [];

    /// <summary>The guides give a contract a new organization; a vendor may let buyers pick an existing one.</summary>
    public bool ContractMayUseExistingOrganization { get; set; }

    /// <summary>
    /// Which business and enterprise fields appear and which must be filled: field name → Required, Optional or
    /// Hidden. Fields not named keep their defaults (phone and tax id optional, the rest required).
    /// </summary>
    public Dictionary<string, FieldRule> Fields { get; set; } = [];

    /// <summary>What the last page offers once linked (e.g. "Create your first service"): title and absolute or local URL.</summary>
    [ValidateEnumeratedItems] public List<NextStepLink> NextSteps { get; set; } = [];

    public FieldRule RuleFor(string field) => Fields.TryGetValue(field, out var rule) ? rule
        : field is nameof(BusinessInfoModel.Phone) or nameof(EnterpriseInfoModel.TaxId) ? FieldRule.Optional : FieldRule.Required;

    public static readonly SiteOption[] DefaultSites =
    [
        new() { Id = "us-west-2", Name = "Overseas 1 (Oregon)", Names = { ["zh-CN"] = "海外区1（俄勒冈）" } },
        new() { Id = "cn-northwest-1", Name = "China 2 (Ningxia)", Names = { ["zh-CN"] = "中国区2（宁夏）" } },
    ];

    /// <summary>The name of site <paramref name="id"/> in the buyer's language; the id itself for a site no longer configured.</summary>
    public string SiteName(string? id) => Sites.FirstOrDefault(s => s.Id == id)?.DisplayName() ?? id ?? "";
    public static readonly LanguageOption[] DefaultLanguages = [new() { Code = "en", Name = "English" }, new() { Code = "zh-CN", Name = "简体中文" }, new() { Code = "ja", Name = "日本語" }];
}

public enum FieldRule { Required, Optional, Hidden }

public sealed class NextStepLink
{
    [Required] public string Title { get; set; } = "";
    [Required] public string Url { get; set; } = "";
}

public sealed class SiteOption
{
    [Required] public string Id { get; set; } = "";
    [Required] public string Name { get; set; } = "";

    /// <summary>The name by UI culture (<c>Onboarding__Sites__0__Names__zh-CN</c>); cultures not named show <see cref="Name"/>.</summary>
    public Dictionary<string, string> Names { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The name in the current UI culture, or its parent ("zh-Hans-CN" → "zh-Hans"), or <see cref="Name"/>.</summary>
    public string DisplayName(CultureInfo? culture = null)
    {
        for (var c = culture ?? CultureInfo.CurrentUICulture; c.Name.Length > 0; c = c.Parent)
            if (Names.TryGetValue(c.Name, out var name) && !string.IsNullOrWhiteSpace(name)) return name;
        return Name;
    }
}

public sealed class LanguageOption
{
    [Required] public string Code { get; set; } = "";
    [Required] public string Name { get; set; } = "";
}
