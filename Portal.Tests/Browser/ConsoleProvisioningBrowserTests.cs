using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Organizations;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Browser;

/// <summary>
/// In Chromium: the vendor admin creates an organization for an existing customer on the Organizations tab and a
/// vendor API key on the Provisioning keys tab; both tabs are axe-clean, and the key works on the API.
/// </summary>
public sealed class ConsoleProvisioningBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly LocatorWaitForOptions Visible = new() { Timeout = 30_000 };
    private readonly PortalAppFactory app = new(new Dictionary<string, string?> { ["Admin:Emails:0"] = "owner@example.com" });

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Admin_CreatesOrganizationAndVendorKey_TabsAxeClean()
    {
        await AdminTestData.CreateUserAsync(app, "owner@example.com");
        var page = await (await browser.Browser.NewContextAsync(app)).NewPageAsync();
        await page.GotoAsync("account/signin?returnUrl=%2Fadmin");
        await page.WaitForCircuitAsync();
        await page.Locator("input[name=signin-email]").FillAsync("owner@example.com");
        await page.Locator("input[name=signin-password]").FillAsync(AdminTestData.Password);
        await page.ClickAndWaitForUrlAsync(page.Locator("#signin-submit"), "**/admin");
        await page.WaitForCircuitAsync();
        var axe = new Axe();

        await page.GetByRole(AriaRole.Tab, new() { Name = "Organizations" }).ClickAsync();
        await page.Locator("input[name=org-name]").WaitForAsync(Visible);
        await page.Locator("input[name=org-name]").FillAsync("Fabrikam");
        await page.Locator("input[name=org-admin-email]").FillAsync("grace@fabrikam.example");
        await page.Locator("input[name=org-external-id]").FillAsync("crm-7");
        await page.Locator("#org-create-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#orgs-grid")).ToContainTextAsync("crm-7", new() { Timeout = 30_000 });
        await page.ShotAsync("console-organizations");
        await axe.CheckAsync(page, "console: organizations");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Provisioning keys" }).ClickAsync();
        await page.Locator("input[name=vendor-key-name]").WaitForAsync(Visible);
        await page.Locator("input[name=vendor-key-name]").FillAsync("crm sync");
        await page.Locator("#create-vendor-key").ClickAsync();
        await page.Locator("#new-vendor-key").WaitForAsync(Visible);
        var key = (await page.Locator("#new-vendor-key").InnerTextAsync()).Trim();
        await page.ShotAsync("console-vendor-keys");
        await axe.CheckAsync(page, "console: provisioning keys");

        using var client = app.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/organizations/crm-7");
        request.Headers.Authorization = new("Bearer", key);
        var response = await client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Fabrikam", await response.Content.ReadAsStringAsync());
        await using var db = app.CreateDbContext();
        var org = await db.Organizations.Include(o => o.Members).SingleAsync(o => o.ExternalId == "crm-7");
        Assert.Empty(org.Members); // grace becomes its admin by accepting the e-mailed invitation
        var invitation = await db.Set<Portal.Organizations.Members.OrganizationInvitation>().SingleAsync(i => i.OrganizationId == org.Id);
        Assert.Equal(("grace@fabrikam.example", OrganizationRole.Admin), (invitation.Email, invitation.Role));
        Assert.Equal(1, await db.EmailMessages.CountAsync(m => m.To == "grace@fabrikam.example" && m.Kind == Portal.Organizations.Members.MemberEmails.Invitation));
        Assert.Empty(axe.Blocking.Select(b => $"{b.Page}: {b.Violation.Id} {b.Violation.Help} {string.Join(", ", b.Violation.Targets.Take(3))}"));
    }
}
