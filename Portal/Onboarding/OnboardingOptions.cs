using System.ComponentModel.DataAnnotations;

namespace Portal.Onboarding;

public sealed class OnboardingOptions
{
    public const string SectionName = "Onboarding";

    /// <summary>Where workspaces can be created; chosen once, never changed. One site skips the step.</summary>
    [MinLength(1)] public List<SiteOption> Sites { get; set; } = [];

    /// <summary>Workspace languages (of alerts and templates, not of the UI).</summary>
    [MinLength(1)] public List<LanguageOption> WorkspaceLanguages { get; set; } = [];

    /// <summary>The guides give a contract a new organization; a vendor may let buyers pick an existing one.</summary>
    public bool ContractMayUseExistingOrganization { get; set; }

    public static readonly SiteOption[] DefaultSites = [new() { Id = "us-west-2", Name = "Overseas 1 (Oregon)" }, new() { Id = "cn-northwest-1", Name = "China 2 (Ningxia)" }];
    public static readonly LanguageOption[] DefaultLanguages = [new() { Code = "en", Name = "English" }, new() { Code = "zh-CN", Name = "简体中文" }, new() { Code = "ja", Name = "日本語" }];
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
