using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Aws;
using Portal.Marketplace.Entitlements;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Marketplace;

/// <summary>Contract entitlements read from the simulator's GetEntitlements (paged) and stored per subscription.</summary>
public sealed class EntitlementTests : IAsyncLifetime
{
    private PortalAppFactory app = null!;

    public Task InitializeAsync() { app = new PortalAppFactory(); _ = app.BaseAddress; return Task.CompletedTask; }
    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Landing_a_contract_stores_its_entitlements_and_every_page_is_read()
    {
        var s = await app.LandAsync("420000000001", SimulatedOffer.Contract);
        using var scope = app.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<EntitlementService>();
        Assert.True(await service.IsEntitledAsync(s.Id)); // stored while landing
        Assert.Equal("Standard", Assert.Single(await service.ListAsync(s.Id)).Dimension);

        // 60 dimensions: three pages of at most 25.
        app.Services.GetRequiredService<SimulatorState>().SetEntitlements(s.LicenseArn!, Enumerable.Range(0, 60).Select(i => new Entitlement
        {
            ProductCode = s.ProductCode, LicenseArn = s.LicenseArn, CustomerAWSAccountId = s.CustomerAwsAccountId, Dimension = $"seats{i:D2}",
            Value = new EntitlementValue { IntegerValue = i }, ExpirationDate = DateTimeOffset.UtcNow.AddMonths(12),
        }));
        Assert.True(await service.RefreshAsync(s.Id));
        var stored = await service.ListAsync(s.Id);
        Assert.Equal(60, stored.Count);
        Assert.Equal("59", stored.Single(e => e.Dimension == "seats59").Value);
        await using var db = app.CreateDbContext();
        Assert.Equal(2, await db.AuditEvents.CountAsync(a => a.SubscriptionId == s.Id && a.Type == "subscription.entitlements-updated")); // landing, then the change
    }

    [Fact]
    public async Task A_contract_without_an_active_entitlement_is_waiting_and_the_schedule_picks_it_up()
    {
        var s = await app.LandAsync("420000000002", SimulatedOffer.Contract);
        var state = app.Services.GetRequiredService<SimulatorState>();
        using var scope = app.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<EntitlementService>();

        state.SetEntitlements(s.LicenseArn!, [new Entitlement { ProductCode = s.ProductCode, LicenseArn = s.LicenseArn, Dimension = "Standard",
            Value = new EntitlementValue { IntegerValue = 1 }, ExpirationDate = DateTimeOffset.UtcNow.AddDays(-1) }]); // expired
        Assert.False(await service.RefreshAsync(s.Id));
        Assert.False(await service.IsEntitledAsync(s.Id));
        Assert.Contains(s.Id, await service.DueAsync(waitingOnly: true));

        state.SetEntitlements(s.LicenseArn!, [new Entitlement { ProductCode = s.ProductCode, LicenseArn = s.LicenseArn, Dimension = "Standard",
            Value = new EntitlementValue { IntegerValue = 1 }, ExpirationDate = DateTimeOffset.UtcNow.AddYears(1) }]);
        Assert.True(await service.RefreshAsync(s.Id));
        Assert.DoesNotContain(s.Id, await service.DueAsync(waitingOnly: true));
    }
}
