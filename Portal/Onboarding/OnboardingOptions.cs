using Microsoft.Extensions.Options;
using System.ComponentModel.DataAnnotations;

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

    public static readonly SiteOption[] DefaultSites = [new() { Id = "us-west-2", Name = "Overseas 1 (Oregon)" }, new() { Id = "cn-northwest-1", Name = "China 2 (Ningxia)" }];
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
}

public sealed class LanguageOption
{
    [Required] public string Code { get; set; } = "";
    [Required] public string Name { get; set; } = "";
}
