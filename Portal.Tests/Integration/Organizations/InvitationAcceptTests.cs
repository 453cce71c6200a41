using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Organizations;
using Portal.Organizations.Members;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Integration.Organizations;

/// <summary>Accepting an invitation: a new person registers and verifies, an existing account signs in; the page offers each its way.</summary>
public sealed partial class InvitationAcceptTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task NewPerson_RegistersVerifiesWithTheCode_AndJoins(string provider)
    {
        await using var w = await MembersWorld.CreateAsync(provider);
        var admin = await w.UserAsync("admin@northwind.example");
        var org = await w.OrganizationAsync("Northwind", (admin, OrganizationRole.Admin));
        await w.InviteAsync(org, admin, "newbie@northwind.example");
        var token = await w.InvitationTokenAsync("newbie@northwind.example");

        // What the page does: register with the invited address, enter the e-mailed code, accept.
        var user = (await w.WithAsync(sp => sp.GetRequiredService<AccountService>()
            .RegisterAsync("newbie@northwind.example", "Newbie", AdminTestData.Password))).User!;
        var before = await w.AcceptAsync(token, user.Id);
        var code = await VerificationCodeAsync(w, "newbie@northwind.example");
        Assert.Equal(VerifyResult.Verified, await w.WithAsync(sp => sp.GetRequiredService<AccountService>().VerifyCodeAsync(user.Id, code)));
        var after = await w.AcceptAsync(token, user.Id);

        Assert.Equal(AcceptOutcome.Unverified, before.Outcome); // the link alone does not skip verification
        Assert.Equal((AcceptOutcome.Joined, (Guid?)org), after);
        Assert.Equal(OrganizationRole.Member, (await w.MembersAsync(org)).Single(m => m.UserId == user.Id).Role);
    }

    [Fact]
    public async Task Page_OffersEachPersonTheirWay_AndASignedInInviteeJoins()
    {
        await using var w = await MembersWorld.CreateAsync();
        var admin = await w.UserAsync("admin@example.com");
        await w.UserAsync("existing@example.com");
        await w.UserAsync("someone.else@example.com");
        var org = await w.OrganizationAsync("Northwind", (admin, OrganizationRole.Admin));
        await w.InviteAsync(org, admin, "existing@example.com");
        await w.InviteAsync(org, admin, "brand.new@example.com");
        var existing = await w.InvitationTokenAsync("existing@example.com");
        var fresh = await w.InvitationTokenAsync("brand.new@example.com");

        var anonymous = w.App.CreateBrowser();
        Assert.Contains("id=\"invitation-signin\"", await PageAsync(anonymous, existing));
        Assert.Contains("id=\"register-form\"", await PageAsync(anonymous, fresh));
        Assert.Contains("id=\"invitation-unusable\"", await PageAsync(anonymous, "forged-token"));

        var cookies = new CookieContainer();
        var other = w.App.CreateBrowser(cookies: cookies);
        await AdminTestData.SignInAsync(w.App, other, cookies, "someone.else@example.com", "/");
        Assert.Contains("id=\"invitation-wrong-account\"", await PageAsync(other, existing));

        // The existing account signs in through the page's link and comes back to the invitation.
        var signInCookies = new CookieContainer();
        var invitee = w.App.CreateBrowser(cookies: signInCookies);
        var back = await AdminTestData.SignInAsync(w.App, invitee, signInCookies, "existing@example.com", "/invitations/accept?token=" + Uri.EscapeDataString(existing));
        Assert.Equal("/invitations/accept?token=" + Uri.EscapeDataString(existing), back);
        Assert.Contains("id=\"invitation-accept\"", await PageAsync(invitee, existing));
        var user = await w.WithAsync(sp => sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>().FindByEmailAsync("existing@example.com"));
        Assert.Equal(AcceptOutcome.Joined, (await w.AcceptAsync(existing, user!.Id)).Outcome);
        Assert.Contains("id=\"invitation-unusable\"", await PageAsync(invitee, existing)); // used: the link says so
    }

    private static async Task<string> PageAsync(HttpClient browser, string token)
    {
        var response = await browser.GetAsync("/invitations/accept?token=" + Uri.EscapeDataString(token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<string> VerificationCodeAsync(MembersWorld w, string email)
    {
        await using var db = w.App.CreateDbContext();
        var mail = (await db.EmailMessages.Where(m => m.To == email && m.Kind == Portal.Email.EmailKinds.VerifyEmail).ToListAsync()).Single();
        return SixDigits().Match(mail.TextBody).Value;
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
