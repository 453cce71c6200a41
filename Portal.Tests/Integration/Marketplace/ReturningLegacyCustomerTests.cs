using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Lifecycle;
using Portal.Marketplace.Simulator;
using Portal.Marketplace.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Marketplace;

/// <summary>
/// AWS now returns LicenseArn to older integrations too. A customer stored by CustomerIdentifier alone (before that)
/// who lands again, or whose SNS messages now carry the ARN, is the same subscription: it gains the ARN.
/// </summary>
public sealed class ReturningLegacyCustomerTests : IAsyncLifetime
{
    private PortalAppFactory app = null!;

    public Task InitializeAsync() { app = new PortalAppFactory(); return Task.CompletedTask; }
    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>The simulator's license for a legacy token, and that customer's row as an older portal stored it.</summary>
    private async Task<(string Token, SimulatorState.License License, Guid Id)> LegacyCustomerAsync(string account)
    {
        var tokens = app.Services.GetRequiredService<SimulatorTokens>();
        var token = tokens.Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, account, legacy: true);
        var license = app.Services.GetRequiredService<SimulatorState>().Subscribe(tokens.Read(token)!, china: false);
        await using var db = app.CreateDbContext();
        var row = new MarketplaceSubscription
        {
            ProductCode = license.ProductCode, CustomerAwsAccountId = account, CustomerIdentifier = license.CustomerIdentifier,
            OfferType = OfferType.Payg, Status = SubscriptionStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Subscriptions.Add(row);
        await db.SaveChangesAsync();
        return (token, license, row.Id);
    }

    [Fact]
    public async Task A_returning_legacy_customer_lands_on_their_existing_subscription_and_gains_the_license_arn()
    {
        var (token, license, id) = await LegacyCustomerAsync("420000000001");
        using var browser = app.CreateBrowser();

        var response = await browser.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]));

        Assert.Equal(303, (int)response.StatusCode);
        await using var db = app.CreateDbContext();
        var row = Assert.Single(await db.Subscriptions.AsNoTracking().ToListAsync());
        Assert.Equal((id, license.LicenseArn, license.CustomerIdentifier), (row.Id, row.LicenseArn, row.CustomerIdentifier));
        Assert.Equal(id, (await db.OnboardingSessions.AsNoTracking().SingleAsync()).SubscriptionId);
    }

    [Fact]
    public async Task An_sns_message_naming_the_license_and_the_customer_identifier_reaches_the_legacy_row_and_later_ones_by_arn_too()
    {
        var (_, license, id) = await LegacyCustomerAsync("420000000002");
        var lifecycle = app.Services.GetRequiredService<LifecycleService>();
        MarketplaceNotification Sns(LifecycleAction action, string? customerIdentifier) => new()
        {
            MessageId = Guid.NewGuid().ToString(), Source = "sns", Action = action, ProductCode = license.ProductCode,
            LicenseArn = license.LicenseArn, CustomerAwsAccountId = license.AccountId, CustomerIdentifier = customerIdentifier,
            ReceivedAt = DateTimeOffset.UtcNow,
        };

        Assert.Equal(NotificationResult.Applied, await lifecycle.ReceiveAsync(Sns(LifecycleAction.EntitlementUpdated, license.CustomerIdentifier)));
        Assert.Equal(NotificationResult.Applied, await lifecycle.ReceiveAsync(Sns(LifecycleAction.UnsubscribePending, null)));

        await using var db = app.CreateDbContext();
        var row = Assert.Single(await db.Subscriptions.AsNoTracking().ToListAsync());
        Assert.Equal((id, license.LicenseArn, SubscriptionStatus.PendingCancellation), (row.Id, row.LicenseArn, row.Status));
    }
}
