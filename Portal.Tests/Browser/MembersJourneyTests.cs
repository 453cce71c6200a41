using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Email;
using Portal.Organizations;
using Portal.Organizations.Members;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Browser;

/// <summary>
/// In Chromium: an admin's invitation reaches a new person, who registers from the mailed link, verifies the code,
/// is signed in and lands in the organization; the admin then makes them an admin through the confirmation dialog.
/// </summary>
public sealed partial class MembersJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly LocatorWaitForOptions Bound = new() { Timeout = 30_000 };
    private readonly PortalAppFactory app = new();
    private readonly Axe axe = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_new_person_joins_by_the_mailed_invitation_and_the_admin_promotes_them()
    {
        var admin = await AdminTestData.CreateUserAsync(app, "ann@northwind.example");
        Guid org;
        await using (var db = app.CreateDbContext())
        {
            var o = new Organization { Name = "Northwind", CreatedAt = DateTimeOffset.UtcNow };
            o.Members.Add(new OrganizationMember { UserId = admin.Id, Role = OrganizationRole.Admin, JoinedAt = DateTimeOffset.UtcNow });
            db.Organizations.Add(o);
            await db.SaveChangesAsync();
            org = o.Id;
        }
        using (var scope = app.Services.CreateScope())
            Assert.Equal(InviteOutcome.Sent, await scope.ServiceProvider.GetRequiredService<InvitationService>()
                .InviteAsync(org, admin.Id, "newbie@northwind.example", OrganizationRole.Member));
        var link = new Uri(InvitationLink().Match(await MailAsync("newbie@northwind.example", MemberEmails.Invitation)).Value);

        var page = await (await browser.Browser.NewContextAsync(app)).NewPageAsync();
        await page.GotoAsync(app.BaseAddress + link.PathAndQuery.TrimStart('/'));
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#invitation-intro")).ToContainTextAsync("invited you to join Northwind as Member", new() { Timeout = 30_000 });
        await page.ShotAsync("90-invitation-register");
        await axe.CheckAsync(page, "invitation (register)");
        await page.Locator("input[name=register-name]").FillAsync("Nina Newbie");
        await Assertions.Expect(page.Locator("input[name=register-email]")).ToHaveValueAsync("newbie@northwind.example", new() { Timeout = 30_000 }); // the invited address, filled in
        await page.Locator("input[name=register-password]").FillAsync(AdminTestData.Password);
        await page.Locator("input[name=register-confirm]").FillAsync(AdminTestData.Password);
        await page.Locator("input[name=register-terms]").CheckAsync();
        await page.Locator("#register-submit").ClickAsync();
        await page.Locator("input[name=verify-code]").WaitForAsync(Bound);
        var code = SixDigits().Match(await MailAsync("newbie@northwind.example", EmailKinds.VerifyEmail)).Value;
        await page.Locator("input[name=verify-code]").FillAsync(code);
        await page.ShotAsync("91-invitation-verify");
        await page.ClickAndWaitForUrlAsync(page.Locator("#invitation-verify"), $"**/organizations/{org}/members");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("tr[data-member='newbie@northwind.example']")).ToContainTextAsync("Member", new() { Timeout = 30_000 });
        await page.Locator("#members-readonly").WaitForAsync(Bound);
        await page.ShotAsync("92-members-as-member");
        await axe.CheckAsync(page, "members (as member)");

        // The admin signs in, promotes the newcomer through the dialog, and the page says so.
        var adminPage = await (await browser.Browser.NewContextAsync(app)).NewPageAsync();
        await adminPage.GotoAsync($"account/signin?returnUrl={Uri.EscapeDataString($"/organizations/{org}/members")}");
        await adminPage.WaitForCircuitAsync();
        await adminPage.Locator("input[name=signin-email]").FillAsync("ann@northwind.example");
        await adminPage.Locator("input[name=signin-password]").FillAsync(AdminTestData.Password);
        await adminPage.ClickAndWaitForUrlAsync(adminPage.Locator("#signin-submit"), $"**/organizations/{org}/members");
        await adminPage.WaitForCircuitAsync();
        var row = adminPage.Locator("tr[data-member='newbie@northwind.example']");
        await row.WaitForAsync(Bound);
        await axe.CheckAsync(adminPage, "members (as admin)");
        // Alone as admin, Ann cannot step down: the database refuses and the page says why.
        await adminPage.Locator("tr[data-member='ann@northwind.example'] button.members-role").ClickAsync(new() { Timeout = 30_000 });
        await adminPage.Locator("#member-confirm").ClickAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(adminPage.Locator("#members-refused")).ToContainTextAsync("The organization needs at least one admin.", new() { Timeout = 30_000 });
        await adminPage.ShotAsync("93-members-last-admin");
        await Assertions.Expect(adminPage.Locator("#member-confirm")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await row.Locator("button.members-role").ClickAsync(new() { Timeout = 30_000 });
        await adminPage.Locator("#member-confirm").WaitForAsync(Bound);
        await adminPage.ShotAsync("94-members-confirm-role");
        await axe.CheckAsync(adminPage, "members (role dialog)");
        await adminPage.Locator("#member-confirm").ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("Admin", new() { Timeout = 30_000 });
        await adminPage.ShotAsync("95-members-as-admin");

        Assert.Empty(axe.Blocking.Select(b => $"{b.Page}: {b.Violation.Id} {string.Join(", ", b.Violation.Targets)}"));
        await using var check = app.CreateDbContext();
        Assert.Equal(2, await check.OrganizationMembers.CountAsync(m => m.OrganizationId == org && m.Role == OrganizationRole.Admin));
        Assert.True(await check.AuditEvents.AnyAsync(e => e.Type == MemberAudit.RoleChanged));
    }

    private async Task<string> MailAsync(string to, string kind)
    {
        await using var db = app.CreateDbContext();
        return (await db.EmailMessages.AsNoTracking().Where(m => m.To == to && m.Kind == kind).ToListAsync()).OrderBy(m => m.CreatedAt).Last().TextBody;
    }

    [GeneratedRegex(@"https?://\S+/invitations/accept\?token=\S+")]
    private static partial Regex InvitationLink();

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
