using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Marketplace.Simulator;
using Portal.Metering;
using Portal.Onboarding;
using Portal.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Operations;

/// <summary>
/// Two portal processes on one PostgreSQL database: A is hosted by the test, B is the built portal started as its own
/// process. The buyer lands on A and continues on B; the cookies either issues are honoured by the other; usage is
/// sent by exactly one of them (both send to A's simulator, so every call is counted there).
/// </summary>
public sealed class TwoProcessTests
{
    [Fact]
    public async Task Land_on_A_continue_on_process_B_signed_in_across_and_meter_from_exactly_one()
    {
        await using var pg = await PostgresDatabase.CreateAsync();
        await using var a = new PortalAppFactory(new Dictionary<string, string?> { ["DataProtection:KeysPath"] = null, ["Metering:Interval"] = "00:00:01" },
            pg.ConnectionString);
        var aws = a.BaseAddress;
        await using var b = await PortalProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres", ["ConnectionStrings:Portal"] = pg.ConnectionString,
            ["Marketplace:Mode"] = "Simulator", ["DevTools:Enabled"] = "true", ["Marketplace:MeteringEndpoint"] = new Uri(aws, "_simulator/aws/metering/").ToString(),
            ["Marketplace:EntitlementEndpoint"] = new Uri(aws, "_simulator/aws/entitlement/").ToString(),
            ["Marketplace:Products:0:ProductCode"] = PortalAppFactory.PaygProduct, ["Marketplace:Products:0:Name"] = "Test Analytics",
            ["Marketplace:Products:1:ProductCode"] = PortalAppFactory.ContractProduct, ["Marketplace:Products:1:Name"] = "Test Enterprise",
            ["Marketplace:Products:1:PricingModel"] = "Contract",
            ["Brand:Name"] = "Testbrand Cloud", ["Brand:AssetsPath"] = RepoPaths.Combine("wwwroot-assets"),
            ["Email:Mode"] = "Mailbox", ["Metering:Interval"] = "00:00:01", ["Logging:LogLevel:Default"] = "Warning",
        });

        // Land on A; the browser's next request goes to B, which reads A's cookie and shows the same onboarding.
        var token = a.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "660000000001");
        var jar = new CookieContainer();
        using var toA = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = jar }) { BaseAddress = aws };
        Assert.Equal(HttpStatusCode.SeeOther, (await toA.PostAsync("/marketplace/landing", new FormUrlEncodedContent([new("x-amzn-marketplace-token", token)]))).StatusCode);
        void Share() { foreach (Cookie c in jar.GetAllCookies()) jar.Add(b.BaseAddress, new Cookie(c.Name, c.Value, "/")); }
        Share();
        using var toB = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = jar }) { BaseAddress = b.BaseAddress };
        Assert.Contains("Finish setting up Test Analytics", WebUtility.HtmlDecode(await toB.GetStringAsync("/onboarding")));

        // Registered and verified (on A's services); the sign-in ticket is redeemed on B, whose Identity cookie A then honours.
        await using var db = a.CreateDbContext();
        var session = await db.OnboardingSessions.SingleAsync();
        string userId;
        using (var scope = a.Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            userId = (await accounts.RegisterAsync("two.processes@example.com", "Two Processes", "Str0ng!Passw0rd")).User!.Id;
            var mail = await db.EmailMessages.AsNoTracking().SingleAsync(m => m.To == "two.processes@example.com");
            Assert.Equal(VerifyResult.Verified, await accounts.VerifyCodeAsync(userId, System.Text.RegularExpressions.Regex.Match(mail.TextBody, @"\b\d{6}\b").Value));
            var ticket = await accounts.IssueTicketAsync(userId, session.Id);
            Assert.Equal(HttpStatusCode.Redirect, (await toB.GetAsync("/account/handoff?ticket=" + Uri.EscapeDataString(ticket))).StatusCode);
        }
        foreach (Cookie c in jar.GetCookies(b.BaseAddress)) jar.Add(aws, new Cookie(c.Name, c.Value, "/"));

        await db.OnboardingSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.UserId, userId).SetProperty(s => s.Step, OnboardingStep.Review)
            .SetProperty(s => s.Data, new OnboardingData
            {
                SiteId = "us-west-2", Organization = new OrganizationChoice { Mode = ChoiceMode.New, Name = "Twin Processes" },
                Workspace = new WorkspaceChoice { Mode = ChoiceMode.New, Name = "Production", Language = "en" },
            }.ToJson()));
        using (var scope = a.Services.CreateScope())
            Assert.Equal(LinkOutcome.Linked, (await scope.ServiceProvider.GetRequiredService<LinkService>().LinkAsync(session.Id, userId)).Outcome);
        var organizationId = (await db.Subscriptions.AsNoTracking().SingleAsync()).OrganizationId!.Value;
        Assert.Contains("id=\"billing-banner\"", await toA.GetStringAsync($"/organizations/{organizationId}/billing")); // B's cookie on A
        Assert.Contains("id=\"billing-banner\"", await toB.GetStringAsync($"/organizations/{organizationId}/billing"));

        // Both processes run their metering worker every second; exactly one sends.
        var state = a.Services.GetRequiredService<SimulatorState>();
        var calls = state.MeteringCallCount;
        db.UsageEvents.Add(new UsageEvent
        {
            SubscriptionId = session.SubscriptionId, Dimension = "requests", Quantity = 5, OccurredAt = DateTimeOffset.UtcNow.AddHours(-1),
            ReceivedAt = DateTimeOffset.UtcNow, IdempotencyKey = "twin-process-1", Source = "host",
        });
        await db.SaveChangesAsync();
        for (var i = 0; i < 300 && !await db.MeteringRecords.AnyAsync(r => r.Status == MeteringStatus.Sent); i++) await Task.Delay(100);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var record = await db.MeteringRecords.AsNoTracking().SingleAsync();
        Assert.Equal((MeteringStatus.Sent, 5L), (record.Status, record.Quantity));
        Assert.Equal(1, state.MeteringCallCount - calls);
        Assert.DoesNotContain(b.Output, l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal));
    }
}
