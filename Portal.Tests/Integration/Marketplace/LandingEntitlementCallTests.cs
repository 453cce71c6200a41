using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Marketplace;

/// <summary>A landing asks AWS only what it uses: a contract's entitlements once (and stores them), a PAYG listing's never.</summary>
public sealed class LandingEntitlementCallTests
{
    [Fact]
    public async Task A_contract_landing_reads_its_entitlements_once_and_a_payg_landing_not_at_all()
    {
        await using var app = new PortalAppFactory();
        var aws = app.Services.GetRequiredService<SimulatorState>();
        _ = app.BaseAddress;

        aws.Faults.ResetCalls();
        var contract = await app.LandAsync("440000000001", SimulatedOffer.Contract);
        var contractCalls = aws.Faults.Calls("GetEntitlements");
        aws.Faults.ResetCalls();
        var payg = await app.LandAsync("440000000002");

        Assert.Equal(OfferType.Contract, contract.OfferType);
        Assert.Equal(1, contractCalls);
        Assert.Equal(OfferType.Payg, payg.OfferType);
        Assert.Equal(0, aws.Faults.Calls("GetEntitlements"));
    }
}
