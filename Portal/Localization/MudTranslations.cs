using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Portal.Localization;

/// <summary>Anchor type for MudBlazor's own strings in MudResources(.zh-CN|.ja).resx.</summary>
public sealed class MudResources;

/// <summary>
/// MudBlazor's own texts (the grid's pager "Rows per page:" and "1-10 of 20", sort and filter menus, close buttons,
/// the stepper) in the buyer's language. MudBlazor's localization interceptor asks this first whenever the UI
/// culture is not English and falls back to its built-in English for a key we do not carry. The keys are MudBlazor's
/// LanguageResource names (MudDataGridPager_RowsPerPage, MudDataGrid_Sort, ...).
/// </summary>
public sealed class MudTranslations(IStringLocalizer<MudResources> strings) : MudLocalizer
{
    public override LocalizedString this[string key] => strings[key];

    // MudBlazor formats positional arguments itself ("{0}-{1} of {2}"); our resx keeps the same placeholders.
    public override LocalizedString this[string key, params object[] arguments] => strings[key, arguments];
}

public static class MudTranslationsExtensions
{
    /// <summary>Replaces MudBlazor's (empty) localizer with ours; call after or before AddMudServices, either works.</summary>
    public static IServiceCollection AddMudTranslations(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Replace(ServiceDescriptor.Transient<MudLocalizer, MudTranslations>());
        return services;
    }
}
