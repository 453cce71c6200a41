using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace Portal.Tests.Components;

/// <summary>MudBlazor in bUnit, as MudBlazor's own tests set it up: no transitions to wait for, popovers without a provider check.</summary>
public static class MudTestServices
{
    public static IServiceCollection AddMudTestServices(this IServiceCollection services) => services.AddMudServices(o =>
    {
        o.SnackbarConfiguration.ShowTransitionDuration = 0;
        o.SnackbarConfiguration.HideTransitionDuration = 0;
        o.PopoverOptions.CheckForPopoverProvider = false;
    });

    /// <summary>Renders the popover provider a select's or autocomplete's list opens in; query its markup for the options.</summary>
    public static IRenderedComponent<MudPopoverProvider> RenderPopovers(this BunitContext context) => context.Render<MudPopoverProvider>();
}
