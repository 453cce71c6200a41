using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Organizations;
using Portal.Organizations.Members;

namespace Portal.Tests.Integration.Organizations;

/// <summary>"Ask an admin to link": masked admins, one e-mail per admin, once an hour, only for the member's own subscription.</summary>
public sealed class LinkRequestServiceTests
{
    private static Task<LinkRequestResult> AskAsync(MembersWorld w, Guid org, string user, Guid subscription) =>
        w.WithAsync(sp => sp.GetRequiredService<LinkRequestService>().AskAsync(org, user, subscription));

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Ask_MailsEveryAdminOncePerHour_AndAudits(string provider)
    {
        await using var w = await MembersWorld.CreateAsync(provider);
        var alice = await w.UserAsync("alice@northwind.example");
        var bruno = await w.UserAsync("bruno@northwind.example");
        var mia = await w.UserAsync("mia@northwind.example");
        var org = await w.OrganizationAsync("Northwind", (alice, OrganizationRole.Admin), (bruno, OrganizationRole.Admin), (mia, OrganizationRole.Member));
        var subscription = await w.SubscriptionInOnboardingAsync(mia);

        var admins = await w.WithAsync(sp => sp.GetRequiredService<LinkRequestService>().AdminsAsync(org, mia, subscription));
        var first = await AskAsync(w, org, mia, subscription);
        var second = await AskAsync(w, org, mia, subscription);
        w.Clock.Advance(TimeSpan.FromHours(1));
        var later = await AskAsync(w, org, mia, subscription);

        Assert.Equal(["a***@northwind.example", "b***@northwind.example"], admins!.Select(a => a.MaskedEmail));
        Assert.Equal((LinkRequestOutcome.Sent, 2), (first.Outcome, first.Recipients));
        Assert.Equal(LinkRequestOutcome.TooSoon, second.Outcome);
        Assert.Equal(LinkRequestOutcome.Sent, later.Outcome);
        await using var db = w.App.CreateDbContext();
        var mails = await db.EmailMessages.Where(m => m.Kind == MemberEmails.LinkRequest).ToListAsync();
        Assert.Equal(4, mails.Count);
        Assert.Equal(["alice@northwind.example", "bruno@northwind.example"], mails.Select(m => m.To).Distinct().Order());
        var body = mails[0].TextBody;
        Assert.Contains("mia@northwind.example", body);
        Assert.Contains("Northwind", body);
        Assert.Contains("Test Analytics", body);
        Assert.Contains($"{MembersWorld.BaseUrl}organizations/{org}/", body);
        Assert.Equal(2, await w.AuditCountAsync(MemberAudit.LinkRequested));
    }

    [Fact]
    public async Task Ask_DoubleClick_SendsOneRound()
    {
        await using var w = await MembersWorld.CreateAsync();
        var alice = await w.UserAsync("alice@example.com");
        var mia = await w.UserAsync("mia@example.com");
        var org = await w.OrganizationAsync("Acme", (alice, OrganizationRole.Admin), (mia, OrganizationRole.Member));
        var subscription = await w.SubscriptionInOnboardingAsync(mia);

        var results = await Task.WhenAll(Task.Run(() => AskAsync(w, org, mia, subscription)), Task.Run(() => AskAsync(w, org, mia, subscription)));

        Assert.Equal(1, results.Count(r => r.Outcome == LinkRequestOutcome.Sent));
        await using var db = w.App.CreateDbContext();
        Assert.Equal(1, await db.EmailMessages.CountAsync(m => m.Kind == MemberEmails.LinkRequest));
    }

    [Fact]
    public async Task Ask_AnotherPersonsSubscriptionAnAdminOrAStranger_IsRefusedAndShowsNoAdmins()
    {
        await using var w = await MembersWorld.CreateAsync();
        var alice = await w.UserAsync("alice@example.com");
        var mia = await w.UserAsync("mia@example.com");
        var tom = await w.UserAsync("tom@example.com");
        var stranger = await w.UserAsync("stranger@example.com");
        var org = await w.OrganizationAsync("Acme", (alice, OrganizationRole.Admin), (mia, OrganizationRole.Member), (tom, OrganizationRole.Member));
        var mias = await w.SubscriptionInOnboardingAsync(mia);
        var strangers = await w.SubscriptionInOnboardingAsync(stranger);

        Assert.Equal(LinkRequestOutcome.NotAllowed, (await AskAsync(w, org, tom, mias)).Outcome);
        Assert.Equal(LinkRequestOutcome.NotAllowed, (await AskAsync(w, org, stranger, strangers)).Outcome);
        Assert.Equal(LinkRequestOutcome.NotAllowed, (await AskAsync(w, org, alice, mias)).Outcome);
        Assert.Equal(LinkRequestOutcome.NotAllowed, (await AskAsync(w, org, mia, Guid.NewGuid())).Outcome);
        Assert.Null(await w.WithAsync(sp => sp.GetRequiredService<LinkRequestService>().AdminsAsync(org, stranger, strangers)));
        await using var db = w.App.CreateDbContext();
        Assert.Equal(0, await db.EmailMessages.CountAsync(m => m.Kind == MemberEmails.LinkRequest));
        Assert.Equal(0, await db.Set<LinkRequest>().CountAsync());
    }
}
