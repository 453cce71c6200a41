using System.ComponentModel.DataAnnotations;

namespace Portal.Branding;

/// <summary>Everything that makes the portal the vendor's: names, links and the folder of brandable assets.</summary>
public sealed class BrandOptions
{
    public const string SectionName = "Brand";

    [Required, StringLength(80, MinimumLength = 1)] public string Name { get; set; } = "Onboarding Portal";
    [Url] public string? SupportUrl { get; set; }
    [EmailAddress] public string? SupportEmail { get; set; }
    [Url] public string? HomeUrl { get; set; }
    /// <summary>Folder served at /brand (logo.svg, favicon.svg, theme.css); relative paths start at the content root.</summary>
    public string? AssetsPath { get; set; }

    public string? SupportLink => SupportUrl ?? (SupportEmail is { } e ? "mailto:" + e : null);
}
