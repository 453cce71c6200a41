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
        // The chart asks the browser for its size after rendering; loose mode would answer null.
        AnswerChartSize(640, 260);
        Radzen.ServiceCollectionExtensions.AddRadzenComponents(Services);
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
        // What the metering or webhooks feature will do; registered here because rendering freezes the container.
        Services.AddAdminTab(new AdminTab("sample", typeof(SampleAdminTab), "Tab.Admins", typeof(Portal.Localization.AdminResources), AdminTabScope.Subscription));
        Services.AddFallbackServiceProvider(app.Services);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    /// <summary>Radzen's size type is not public API, so the planned answer is built by reflection.</summary>
    private void AnswerChartSize(double width, double height)
    {
        var rectType = typeof(Radzen.Blazor.RadzenChart).Assembly.GetTypes().First(t => t.Name == "Rect" && t.GetProperty("Width") is not null);
        var rect = Activator.CreateInstance(rectType)!;
        foreach (var (name, value) in new[] { ("Width", width), ("Height", height) })
        {
            var property = rectType.GetProperty(name)!;
            property.SetValue(rect, Convert.ChangeType(value, property.PropertyType, CultureInfo.InvariantCulture));
        }
        // bUnit's Setup<T>(identifier, matcher) is an extension method on BunitJSInterop.
        var setup = typeof(BunitJSInterop).Assembly.GetTypes().Where(t => t.IsAbstract && t.IsSealed)
            .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
            .First(m => m.Name == "Setup" && m.IsGenericMethodDefinition && m.GetParameters() is [{ ParameterType: var j }, { ParameterType: var a }, { ParameterType: var b }, ..]
                && j == typeof(BunitJSInterop) && a == typeof(string) && b == typeof(InvocationMatcher));
        object?[] arguments = [.. setup.GetParameters().Select((p, i) => i switch
        {
            0 => JSInterop, 1 => "Radzen.createChart", 2 => (InvocationMatcher)(_ => true), _ => p.DefaultValue,
        })];
        var handler = setup.MakeGenericMethod(rectType).Invoke(null, arguments)!;
        handler.GetType().GetMethod("SetResult")!.Invoke(handler, [rect]);
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
        Assert.Contains("订阅", page.FindAll(".rz-tabview-nav li").Select(t => t.TextContent).First());
        Assert.Contains("Test Analytics", page.Markup);
        Assert.Contains("按需付费", page.Markup);
        var landed = page.WaitForElement("#funnel-table tr[data-stage=Landed]", TimeSpan.FromSeconds(15)); // the funnel loads on its own
        Assert.Contains("已到达", landed.TextContent);
        Assert.Contains("1", landed.QuerySelectorAll("td")[0].TextContent);
        Assert.NotNull(page.Find(".admin-funnel-chart"));
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
    public void DetailsPage_RegisteredSubscriptionTab_ShownWithItsTitleAndGetsTheSubscriptionId()
    {
        UseChinese();
        var page = Render<SubscriptionDetailsPage>(p => p.Add(x => x.Id, subscription.Id));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#subscription-facts")), TimeSpan.FromSeconds(15));

        var tab = page.FindAll(".rz-tabview-nav li").Last();
        Assert.Equal("管理员", tab.TextContent.Trim());
        tab.QuerySelectorAll("*").First(e => e.HasAttribute("blazor:onclick")).Click(); // Radzen puts the handler on the inner link

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
        Assert.Contains("被 AWS 拒绝: 1", metering.Find("#metering-summary").TextContent);

        var webhooks = Render<Portal.Admin.Extensions.WebhooksTab>(p => p.Add(x => x.SubscriptionId, subscription.Id));
        webhooks.WaitForAssertion(() => Assert.Contains("HTTP 500", webhooks.Find("#webhooks-grid").TextContent), TimeSpan.FromSeconds(15));
        Assert.Contains("待投递", webhooks.Markup);

        adminId = "someone-else"; // the queries themselves refuse a non-admin
        var refused = await Assert.ThrowsAsync<AdminAccessDeniedException>(() =>
            Services.GetRequiredService<Portal.Admin.Extensions.OutboxQueries>().MeteringAsync(false, null, 0, 10));
        Assert.NotNull(refused);
    }
}
