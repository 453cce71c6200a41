using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.DevTools.Pages;
using Portal.Marketplace.Simulator;
using Portal.Tests.Components;

namespace Portal.Tests.Integration.Hardening;

/// <summary>The /dev/marketplace outage switches drive the same simulator state the fault tests use.</summary>
public sealed class DevFaultsPanelTests : StepPageContext
{
    [Fact]
    public void ChoosingThrottle_ThrottlesThatOperationOnly()
    {
        var faults = App.Services.GetRequiredService<SimulatorState>().Faults;
        var popovers = this.RenderPopovers(); // a select's list opens in the popover provider
        var cut = Render<DevAwsFaultsPanel>();
        Assert.Contains("AWS outage", cut.Find("h2").TextContent);
        Assert.Equal(3, cut.FindComponents<MudBlazor.MudSelect<SimulatorFault>>().Count);

        // The first select is ResolveCustomer's; its items are the modes in order: Normal, Throttle, Fail, Hang.
        cut.FindComponents<MudBlazor.MudSelect<SimulatorFault>>()[0].Find("div.mud-input-control").MouseDown(); // MudSelect opens on mouse down
        popovers.WaitForAssertion(() => Assert.NotEmpty(popovers.FindAll("div.mud-list-item")));
        popovers.FindAll("div.mud-list-item").Single(li => li.TextContent.Contains("Throttle every call")).Click();

        cut.WaitForAssertion(() => Assert.Equal(SimulatorFault.Throttle, faults.Get("ResolveCustomer")));
        Assert.Equal(SimulatorFault.Normal, faults.Get("BatchMeterUsage"));
        faults.Clear();
    }
}
