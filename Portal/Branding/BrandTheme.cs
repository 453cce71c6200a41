using MudBlazor;

namespace Portal.Branding;

/// <summary>
/// The MudBlazor theme made from the brand settings, once at start-up. Material's defaults are changed where a buyer
/// would notice them: sentence-case buttons, the brand's font and corner radius, and status colours dark enough
/// for text on white and on their own light backgrounds (4.5:1, which axe checks).
/// </summary>
public static class BrandTheme
{
    public static MudTheme Create(BrandOptions brand)
    {
        var fonts = brand.FontFamily.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Trim('"', '\'')).ToArray();
        return new MudTheme
        {
            PaletteLight = new PaletteLight
            {
                Primary = brand.PrimaryColor,
                Secondary = brand.SecondaryColor,
                Tertiary = "#5e35b1",
                Info = "#0d47a1",
                Success = "#1b5e20",
                Warning = "#8a4b00",
                Error = "#b71b1b",
                AppbarBackground = "#ffffff",
                AppbarText = "#1f2937",
                Background = "#f4f5f7",
                Surface = "#ffffff",
                TextPrimary = "#1f2937",
                TextSecondary = "#4b5563",
                LinesDefault = "#d7dbe0",
                LinesInputs = "#9aa3ad",
                ActionDefault = "#4b5563",
            },
            PaletteDark = new PaletteDark
            {
                // Lighter shades on a dark surface carry dark text: white on them would fail the contrast check.
                Primary = Lighten(brand.PrimaryColor, 0.35),
                PrimaryContrastText = "#0b1220",
                Secondary = Lighten(brand.SecondaryColor, 0.35),
                SecondaryContrastText = "#0b1220",
                Info = "#64b5f6",
                Success = "#81c784",
                Warning = "#ffb74d",
                Error = "#ef9a9a",
                AppbarBackground = "#1b1e24",
                Background = "#121418",
                Surface = "#1b1e24",
            },
            Typography = new Typography
            {
                Default = new DefaultTypography { FontFamily = fonts, LetterSpacing = "normal" },
                H1 = new H1Typography { FontFamily = fonts, FontSize = "2.25rem", FontWeight = "600", LineHeight = "1.2", LetterSpacing = "normal" },
                H2 = new H2Typography { FontFamily = fonts, FontSize = "1.875rem", FontWeight = "600", LineHeight = "1.25", LetterSpacing = "normal" },
                H3 = new H3Typography { FontFamily = fonts, FontSize = "1.625rem", FontWeight = "600", LineHeight = "1.3", LetterSpacing = "normal" },
                H4 = new H4Typography { FontFamily = fonts, FontSize = "1.5rem", FontWeight = "600", LineHeight = "1.3", LetterSpacing = "normal" },
                H5 = new H5Typography { FontFamily = fonts, FontSize = "1.25rem", FontWeight = "600", LineHeight = "1.4", LetterSpacing = "normal" },
                H6 = new H6Typography { FontFamily = fonts, FontSize = "1.0625rem", FontWeight = "600", LineHeight = "1.4", LetterSpacing = "normal" },
                Button = new ButtonTypography { FontFamily = fonts, FontWeight = "600", TextTransform = "none", LetterSpacing = "normal" },
                Overline = new OverlineTypography { FontFamily = fonts, TextTransform = "none", LetterSpacing = "normal", FontWeight = "600" },
            },
            LayoutProperties = new LayoutProperties { DefaultBorderRadius = $"{brand.CornerRadius}px", AppbarHeight = "64px" },
        };
    }

    /// <summary>Mixes a #rrggbb colour with white: the dark palette needs lighter shades to keep its contrast.</summary>
    internal static string Lighten(string hex, double amount)
    {
        int Channel(int i) => Convert.ToInt32(hex.Substring(1 + 2 * i, 2), 16);
        int Mix(int c) => (int)Math.Round(c + (255 - c) * amount);
        return $"#{Mix(Channel(0)):x2}{Mix(Channel(1)):x2}{Mix(Channel(2)):x2}";
    }
}
