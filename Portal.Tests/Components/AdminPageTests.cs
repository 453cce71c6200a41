using System.Globalization;
using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Admin;
using Portal.Admin.Pages;
using Portal.Audit;
using Portal.Branding;
using Portal.Data;
using Portal.Localization;
using Portal.Marketplace;
using Portal.Marketplace.Subscriptions;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Components;

/// <summary>The console's pages rendered by bUnit in Chinese, over the portal's real services and a real SQLite file.</summary>
public sealed class AdminPageTests : BunitContext, IAsyncLifetime
{
    private readonly PortalAppFactory app = new(new Dictionary<string, string?> { ["Admin:Emails:0"] = "admin@example.com" });
    private readonly CultureInfo before = CultureInfo.CurrentUICulture;
    private MarketplaceSubscription subscription = null!;
    private string adminId = "";

    public AdminPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudTestServices();
        Services.AddMudTranslations(); // what AddAdmin registers: MudBlazor's own strings in zh-CN and ja
        foreach (var type in new[] { typeof(BrandOptions), typeof(MarketplaceOptions), typeof(AdminOptions) })
        {
            var options = typeof(IOptions<>).MakeGenericType(type);
            Services.AddSingleton(options, app.Services.GetRequiredService(options));
        }
        Services.AddLocalization();
        // The console's services are built here, so they see this test's signed-in user; the rest comes from the portal.
        // bUnit resolves a registered service's dependencies from its own container only, so the portal's are handed over.
        T From<T>() where T : notnull => app.Services.GetRequiredService<T>();
        Services.AddSingleton<AuthenticationStateProvider>(new SignedIn(() => adminId));
        Services.AddSingleton(From<IAuthorizationService>());
        Services.AddScoped(sp => new AdminAccess(sp.GetRequiredService<AuthenticationStateProvider>(), From<IAuthorizationService>()));
        Services.AddScoped(sp => new AdminQueries(sp.GetRequiredService<AdminAccess>(), From<IDbContextFactory<PortalDbContext>>(), From<IOptions<MarketplaceOptions>>()));
        Services.AddScoped(sp => new AdminFunnel(sp.GetRequiredService<AdminAccess>(), From<IDbContextFactory<PortalDbContext>>(), From<TimeProvider>()));
        Services.AddScoped(sp => new AdminUsers(sp.GetRequiredService<AdminAccess>(), From<AdminGrants>()));
        Services.AddScoped(sp => new Portal.Admin.Extensions.OutboxQueries(sp.GetRequiredService<AdminAccess>(), From<IDbContextFactory<PortalDbContext>>()));
        Services.AddScoped(sp => new Portal.Metering.MeteringAttention(sp.GetRequiredService<AdminAccess>(), From<IDbContextFactory<PortalDbContext>>()));
        Services.AddScoped(sp => new Portal.Marketplace.Lifecycle.UnplacedNotifications(sp.GetRequiredService<AdminAccess>(), From<IDbContextFactory<PortalDbContext>>()));
        // What the metering or webhooks feature will do; registered here because rendering freezes the container.
        Services.AddAdminTab(new AdminTab("sample", typeof(SampleAdminTab), "Tab.Admins", typeof(Portal.Localization.AdminResources), AdminTabScope.Subscription));
        Services.AddFallbackServiceProvider(app.Services);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private sealed class SignedIn(Func<string> userId) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId())], "test"))));
    }

    public async Task InitializeAsync()
    {
        _ = app.BaseAddress;
        var admin = await AdminTestData.CreateUserAsync(app, "admin@example.com");
        await app.Services.GetRequiredService<AdminGrants>().EnsureConfiguredAsync(admin);
        adminId = admin.Id;
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        subscription = new MarketplaceSubscription
        {
            ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = "123456789012", OfferType = OfferType.Payg,
            LicenseArn = "arn:aws:license-manager::123456789012:license:l-bunit",
            Status = SubscriptionStatus.Active, CreatedAt = now.AddHours(-2), UpdatedAt = now.AddHours(-2),
        };
        await using var db = app.CreateDbContext();
        db.Subscriptions.Add(subscription);
        db.AuditEvents.Add(new AuditEvent { Type = AuditEventTypes.SubscriptionRegistered, SubscriptionId = subscription.Id, OccurredAt = now.AddHours(-2), Actor = "aws" });
        await db.SaveChangesAsync();
    }

    // Set in the test itself: a culture set inside InitializeAsync would not flow out of that async method.
    private static void UseChinese() => CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("zh-CN");

    public new async Task DisposeAsync()
    {
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = before;
        await base.DisposeAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public void ConsolePage_Admin_ShowsFunnelAndGridInChinese()
    {
        UseChinese();
        var page = Render<ConsolePage>();

        page.WaitForAssertion(() => Assert.Contains("********9012", page.Markup), TimeSpan.FromSeconds(15));
        Assert.Contains("供应商管理控制台", page.Find("h1").TextContent);
        Assert.Contains("开通转化漏斗", page.Markup);
        Assert.Contains("订阅", page.FindAll(".mud-tab").Select(t => t.TextContent).First());
        Assert.Contains("Test Analytics", page.Markup);
        Assert.Contains("按需付费", page.Markup);
        var landed = page.WaitForElement("#funnel-table tr[data-stage=Landed]", TimeSpan.FromSeconds(15)); // the funnel loads on its own
        Assert.Contains("已到达", landed.TextContent);
        Assert.Contains("1", landed.QuerySelectorAll("td")[0].TextContent);
        // The chart: one bar per stage with the table's counts, drawn as SVG, its legend naming the series in Chinese.
        var funnel = page.FindComponent<FunnelCard>();
        Assert.Equal<double>([1, 0, 0], funnel.Instance.Bars); // landed, account, linked: the table's stages in order
        var chart = page.Find(".admin-funnel-chart");
        Assert.NotNull(chart.QuerySelector("svg"));
        Assert.Contains("订阅", chart.QuerySelector(".mud-chart-legend")!.TextContent);
        Assert.Contains("已到达", chart.QuerySelector("svg")!.TextContent); // the stage names under the bars
    }

    [Fact]
    public void DetailsPage_Admin_ShowsFactsAuditAndNotificationTabsInChinese()
    {
        UseChinese();
        var page = Render<SubscriptionDetailsPage>(p => p.Add(x => x.Id, subscription.Id));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#subscription-facts")), TimeSpan.FromSeconds(15));
        Assert.Contains("订阅详情", page.Find("h1").TextContent);
        Assert.Contains("审计日志（1）", page.Markup);
        Assert.Contains("生命周期通知（0）", page.Markup);
        Assert.Contains("subscription.registered", page.Find("#audit-grid").TextContent);
        Assert.Contains("********9012", page.Find("#subscription-facts").TextContent);
        Assert.Contains("尚未关联", page.Find("#subscription-facts").TextContent);
    }

    [Fact]
    public void ConsolePage_NotAnAdmin_NotAllowedInChineseAndNoData()
    {
        adminId = "someone-else";

        UseChinese();
        var page = Render<ConsolePage>();

        page.WaitForAssertion(() => Assert.Contains("无权访问", page.Markup), TimeSpan.FromSeconds(15));
        Assert.DoesNotContain("9012", page.Markup);
    }

    [Fact]
    public async Task DetailsPage_RegisteredSubscriptionTab_ShownWithItsTitleAndGetsTheSubscriptionId()
    {
        UseChinese();
        var page = Render<SubscriptionDetailsPage>(p => p.Add(x => x.Id, subscription.Id));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#subscription-facts")), TimeSpan.FromSeconds(15));

        Assert.Equal("管理员", page.FindAll(".mud-tab").Last().TextContent.Trim());
        // Found and clicked in one dispatch: the page may still re-render (its tabs load their data) in between.
        await page.InvokeAsync(() => page.FindAll(".mud-tab").Last().Click());

        page.WaitForAssertion(() => Assert.Contains($"Sample tab for {subscription.Id}", page.Find(".sample-admin-tab").TextContent));
    }

    [Fact]
    public async Task MeteringTab_ShowsEveryRecordAndTheProblemsInChinese()
    {
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using (var db = app.CreateDbContext())
        {
            foreach (var (dimension, status, error) in new[] { ("requests", Portal.Metering.MeteringStatus.Sent, (string?)null),
                         ("retired", Portal.Metering.MeteringStatus.Failed, "InvalidUsageDimensionException: not defined") })
                db.MeteringRecords.Add(new Portal.Metering.MeteringRecord
                {
                    SubscriptionId = subscription.Id, ProductCode = subscription.ProductCode, CustomerAwsAccountId = subscription.CustomerAwsAccountId,
                    LicenseArn = subscription.LicenseArn, Dimension = dimension, HourStart = now.AddHours(-2), Quantity = 1234, Status = status,
                    Attempts = 1, LastError = error, AwsMeteringRecordId = error is null ? "mr-1" : null, CreatedAt = now, NextAttemptAt = now,
                });
            db.Set<Portal.Webhooks.WebhookDelivery>().Add(new Portal.Webhooks.WebhookDelivery
            {
                EventId = "evt_1", EventType = "subscription.linked", SubscriptionId = subscription.Id, Payload = "{}",
                Status = Portal.Webhooks.WebhookDeliveryStatus.Pending, Attempts = 2, LastStatusCode = 500, LastError = "Internal Server Error",
                CreatedAt = now, NextAttemptAt = now,
            });
            await db.SaveChangesAsync();
        }
        UseChinese();

        var metering = Render<Portal.Admin.Extensions.MeteringTab>();
        metering.WaitForAssertion(() => Assert.Contains("InvalidUsageDimensionException", metering.Find("#metering-grid").TextContent), TimeSpan.FromSeconds(15));
        Assert.Contains("已发送", metering.Find("#metering-grid").TextContent);
        Assert.Contains("被 AWS 拒绝", metering.Find("#metering-grid").TextContent);
        Assert.Contains("********9012", metering.Markup);
        // The counts are a query of their own, answered after the grid's.
        metering.WaitForAssertion(() => Assert.Contains("被 AWS 拒绝: 1", metering.Find("#metering-summary").TextContent), TimeSpan.FromSeconds(15));

        var webhooks = Render<Portal.Admin.Extensions.WebhooksTab>(p => p.Add(x => x.SubscriptionId, subscription.Id));
        webhooks.WaitForAssertion(() => Assert.Contains("HTTP 500", webhooks.Find("#webhooks-grid").TextContent), TimeSpan.FromSeconds(15));
        Assert.Contains("待投递", webhooks.Markup);

        adminId = "someone-else"; // the queries themselves refuse a non-admin
        var refused = await Assert.ThrowsAsync<AdminAccessDeniedException>(() =>
            Services.GetRequiredService<Portal.Admin.Extensions.OutboxQueries>().MeteringAsync(false, null, 0, 10));
        Assert.NotNull(refused);
    }

    private async Task SeedUnbilledAsync()
    {
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var db = app.CreateDbContext();
        foreach (var (dimension, status, quantity) in new[] { ("requests", Portal.Metering.MeteringStatus.Duplicate, 40L),
                     ("hosts", Portal.Metering.MeteringStatus.Expired, 7L), ("storage", Portal.Metering.MeteringStatus.Sent, 99L) })
            db.MeteringRecords.Add(new Portal.Metering.MeteringRecord
            {
                SubscriptionId = subscription.Id, ProductCode = subscription.ProductCode, CustomerAwsAccountId = subscription.CustomerAwsAccountId,
                LicenseArn = subscription.LicenseArn, Dimension = dimension, HourStart = now.AddHours(-3), Quantity = quantity, Status = status,
                Attempts = 1, LastError = status == Portal.Metering.MeteringStatus.Duplicate ? "Not billed: DuplicateRecord" : null, CreatedAt = now, NextAttemptAt = now,
            });
        db.MarketplaceNotifications.Add(new Portal.Marketplace.Lifecycle.MarketplaceNotification
        {
            MessageId = "unplaced-1", Source = "eventbridge", Action = Portal.Marketplace.Lifecycle.LifecycleAction.UnsubscribePending, ProductCode = "",
            AgreementId = "agmt-unplaced0000000000000001", ReceivedAt = now.AddMinutes(-5),
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task AttentionTab_ShowsUnbilledUsageWithTotalsAndTheUnplacedMessagesInJapanese()
    {
        await SeedUnbilledAsync();
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("ja");

        var tab = Render<Portal.Admin.Extensions.AttentionTab>();

        tab.WaitForAssertion(() => Assert.Contains("agmt-unplaced0000000000000001", tab.Find("#attention-unplaced").TextContent), Wait);
        tab.WaitForAssertion(() => Assert.Contains("requests", tab.Find("#attention-unbilled").TextContent), Wait);
        var unbilled = tab.Find("#attention-unbilled").TextContent;
        Assert.Contains("hosts", unbilled);
        Assert.DoesNotContain("storage", unbilled); // billed usage needs nothing
        Assert.Contains("DuplicateRecord", unbilled);
        // The totals load on their own: wait for them as for the lists (PostgreSQL can answer them last).
        tab.WaitForAssertion(() => Assert.Equal(2, tab.Find("#attention-totals").QuerySelectorAll("[data-status]").Length), Wait);
        var totals = tab.Find("#attention-totals");
        Assert.Contains("40 単位", totals.QuerySelector("[data-status=Duplicate]")!.TextContent);
        Assert.Contains("AWS が請求しない使用量", tab.Markup);

        adminId = "someone-else"; // the services refuse a non-admin themselves
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => Services.GetRequiredService<Portal.Metering.MeteringAttention>().TotalsAsync());
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => Services.GetRequiredService<Portal.Marketplace.Lifecycle.UnplacedNotifications>().ListAsync(0, 10));
    }

    [Fact]
    public async Task MeteringTab_ShowsADuplicateRecordAsAnError_NotAWarning()
    {
        await SeedUnbilledAsync();

        var metering = Render<Portal.Admin.Extensions.MeteringTab>();

        metering.WaitForAssertion(() => Assert.Contains("requests", metering.Find("#metering-grid").TextContent), Wait);
        var row = metering.FindAll("#metering-grid tbody tr").Single(r => r.TextContent.Contains("requests"));
        var chip = row.QuerySelectorAll(".mud-chip").Single();
        Assert.Contains("mud-chip-color-error", chip.ClassName);
        Assert.DoesNotContain("mud-chip-color-warning", chip.ClassName);
    }

    [Fact]
    public async Task DetailsPage_ShowsTheAgreementAndWhenItEnded()
    {
        var ended = new DateTimeOffset(2026, 11, 30, 8, 15, 0, TimeSpan.Zero);
        await using (var db = app.CreateDbContext())
            await db.Subscriptions.Where(s => s.Id == subscription.Id).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.AgreementId, "agmt-details000000000000000001").SetProperty(s => s.Status, SubscriptionStatus.PendingCancellation)
                .SetProperty(s => s.EndedAt, ended));

        var page = Render<SubscriptionDetailsPage>(p => p.Add(x => x.Id, subscription.Id));

        page.WaitForAssertion(() => Assert.Equal("agmt-details000000000000000001", page.Find("#subscription-agreement").TextContent.Trim()), Wait);
        Assert.Equal(Portal.Admin.AdminFormat.Time(ended), page.Find("#subscription-ended").TextContent.Trim());
    }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    /// <summary>24 more subscriptions, a day apart going back (25 with the one from set-up): two pages of 20.</summary>
    private async Task SeedPagesAsync()
    {
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var db = app.CreateDbContext();
        for (var i = 1; i <= 24; i++)
            db.Subscriptions.Add(new MarketplaceSubscription
            {
                ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = $"2000000001{i:00}", OfferType = OfferType.Payg,
                LicenseArn = $"arn:aws:license-manager::2000000001{i:00}:license:l-page{i}",
                Status = i % 4 == 0 ? SubscriptionStatus.Pending : SubscriptionStatus.Active, CreatedAt = now.AddDays(-i), UpdatedAt = now.AddDays(-i),
            });
        await db.SaveChangesAsync();
    }

    private static IReadOnlyList<string> Accounts(IRenderedComponent<SubscriptionsGrid> grid) =>
        [.. grid.FindAll("#subscriptions-grid tbody tr").Where(r => r.QuerySelector("a") is not null).Select(r => r.QuerySelector(".portal-mono")!.TextContent.Trim())];

    private static string Pager(IRenderedComponent<SubscriptionsGrid> grid) => grid.Find(".mud-table-pagination").TextContent;

    [Fact]
    public async Task SubscriptionsGrid_PagesSortsAndFiltersInTheDatabase()
    {
        await SeedPagesAsync();
        var grid = Render<SubscriptionsGrid>();

        // Page 1 of 2, newest first: the set-up subscription (2 hours old), then one day old, two days old...
        grid.WaitForAssertion(() => Assert.Equal(20, Accounts(grid).Count), Wait);
        Assert.Equal(["********9012", "********0101", "********0102"], Accounts(grid).Take(3));
        Assert.Contains("1-20 of 25", Pager(grid));

        grid.Find("button[aria-label='Next page']").Click();
        grid.WaitForAssertion(() => Assert.Equal(5, Accounts(grid).Count), Wait);
        Assert.Equal("********0124", Accounts(grid)[^1]);
        Assert.Contains("21-25 of 25", Pager(grid));

        // Sorting is the database's across all rows: oldest first, page 2 starts at the 21st oldest (4 days old)...
        var created = grid.FindAll("#subscriptions-grid thead th").Single(th => th.TextContent.Contains("Created"));
        created.QuerySelector(".sortable-column-header")!.Click();
        grid.WaitForAssertion(() => Assert.Equal("********0104", Accounts(grid).FirstOrDefault()), Wait);
        // ...and page 1 starts with what was the very last row.
        grid.Find("button[aria-label='First page']").Click();
        grid.WaitForAssertion(() => Assert.Equal("********0124", Accounts(grid).FirstOrDefault()), Wait);
        Assert.Contains("1-20 of 25", Pager(grid));

        // The filter bar's text goes to the same query; the pager counts what matched.
        grid.Find("input[name=filter-text]").Input("000000107"); // typed: asked after the pause
        grid.WaitForAssertion(() => Assert.Equal(["********0107"], Accounts(grid)), Wait);
        Assert.Contains("1-1 of 1", Pager(grid));
    }

    [Fact]
    public async Task SubscriptionsGrid_Chinese_PagerAndSortLabelsAreMudBlazorsInChinese()
    {
        await SeedPagesAsync();
        UseChinese();
        var grid = Render<SubscriptionsGrid>();

        grid.WaitForAssertion(() => Assert.Equal(20, Accounts(grid).Count), Wait);
        Assert.Contains("每页行数：", Pager(grid));
        Assert.Contains("第 1–20 条，共 25 条", Pager(grid));
        Assert.DoesNotContain("Rows per page", grid.Markup);
        Assert.NotNull(grid.Find("button[aria-label='下一页']"));
        Assert.Contains("状态", grid.Find("#subscriptions-grid thead").TextContent);
    }

    [Fact]
    public async Task SubscriptionsGrid_Prerendered_ListsTheFirstPageWithoutAPager()
    {
        await SeedPagesAsync();
        SetRendererInfo(new RendererInfo("Static", isInteractive: false)); // what the first HTTP response renders

        var grid = Render<SubscriptionsGrid>();

        grid.WaitForAssertion(() => Assert.Equal(20, Accounts(grid).Count), Wait);
        Assert.Equal("********9012", Accounts(grid)[0]);
        // No pager: its counts would be the page's (20), not the database's (25).
        Assert.DoesNotContain("Rows per page", grid.Markup);
        Assert.DoesNotContain(" of 20", grid.Markup);
    }

    [Fact]
    public void AdminsTab_GrantForAnUnknownAddress_SaysSoInASnackbarInChinese()
    {
        UseChinese();
        var snackbars = Render<MudBlazor.MudSnackbarProvider>();
        var tab = Render<AdminsTab>();
        tab.WaitForAssertion(() => Assert.Contains("admin@example.com", tab.Find("#admins-grid").TextContent), Wait);

        tab.Find("input[name=grant-email]").Change("nobody@example.com");
        tab.Find("form").Submit();

        snackbars.WaitForAssertion(() => Assert.Contains("nobody@example.com", snackbars.Find(".mud-snackbar").TextContent), Wait);
        Assert.Single(tab.FindAll("#admins-grid tbody tr")); // nobody was added
    }
}
