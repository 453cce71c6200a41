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
        var cut = Render<DevAwsFaultsPanel>();
        Assert.Contains("AWS outage", cut.Find("h2").TextContent);
        Assert.Equal(3, cut.FindAll(".rz-dropdown").Count);

        // The first drop-down is ResolveCustomer's; its items are the modes in order: Normal, Throttle, Fail, Hang.
        cut.FindAll(".rz-dropdown")[0].QuerySelectorAll("li.rz-dropdown-item")
            .Single(li => li.TextContent.Contains("Throttle every call")).Click();

        cut.WaitForAssertion(() => Assert.Equal(SimulatorFault.Throttle, faults.Get("ResolveCustomer")));
        Assert.Equal(SimulatorFault.Normal, faults.Get("BatchMeterUsage"));
        faults.Clear();
    }
}
