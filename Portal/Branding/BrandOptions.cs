using System.ComponentModel.DataAnnotations;

namespace Portal.Branding;

/// <summary>Everything that makes the portal the vendor's: names, links, colours, type and the folder of brandable assets.</summary>
public sealed class BrandOptions
{
    public const string SectionName = "Brand";
    private const string Colour = "^#([0-9a-fA-F]{6})$";

    [Required, StringLength(80, MinimumLength = 1)] public string Name { get; set; } = "Onboarding Portal";
    [Url] public string? SupportUrl { get; set; }
    [EmailAddress] public string? SupportEmail { get; set; }
    [Url] public string? HomeUrl { get; set; }
    /// <summary>Folder served at /brand (logo.svg, favicon.svg, theme.css); relative paths start at the content root.</summary>
    public string? AssetsPath { get; set; }

    /// <summary>Buttons, links, focus rings and the current step (#rrggbb). Dark mode uses a lighter shade of it.</summary>
    [RegularExpression(Colour, ErrorMessage = "Brand:PrimaryColor must be a colour like #2f5bd3.")]
    public string PrimaryColor { get; set; } = "#2f5bd3";
    /// <summary>Secondary accents such as chips and the simulator's marks (#rrggbb).</summary>
    [RegularExpression(Colour, ErrorMessage = "Brand:SecondaryColor must be a colour like #00897b.")]
    public string SecondaryColor { get; set; } = "#00796b";
    /// <summary>A CSS font stack; the default needs no web font (the portal loads nothing from other origins).</summary>
    [StringLength(300, MinimumLength = 1)]
    public string FontFamily { get; set; } =
        "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Noto Sans\", \"Noto Sans CJK SC\", \"Noto Sans CJK JP\", \"Hiragino Sans\", \"Microsoft YaHei\", sans-serif";
    /// <summary>Corner radius of cards, fields and buttons, in pixels.</summary>
    [Range(0, 24)] public int CornerRadius { get; set; } = 8;

    public string? SupportLink => SupportUrl ?? (SupportEmail is { } e ? "mailto:" + e : null);
}
