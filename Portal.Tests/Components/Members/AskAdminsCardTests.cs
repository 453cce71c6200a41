using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;
using Portal.Organizations;
using Portal.Organizations.Members;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Components.Members;

/// <summary>The ask-admins card: a member sees the masked admins and sends once; anyone else sees nothing.</summary>
public sealed class AskAdminsCardTests : StepPageContext
{
    private readonly Dictionary<string, string> users = [];
    private Guid org, subscription;

    public override async Task InitializeAsync()
    {
        foreach (var who in new[] { "alice", "mia", "stranger" })
            users[who] = (await AdminTestData.CreateUserAsync(App, $"{who}@northwind.example")).Id;
        await using var db = App.CreateDbContext();
        var o = new Organization { Name = "Northwind", CreatedAt = DateTimeOffset.UtcNow };
        o.Members.Add(new OrganizationMember { UserId = users["alice"], Role = OrganizationRole.Admin, JoinedAt = DateTimeOffset.UtcNow });
        o.Members.Add(new OrganizationMember { UserId = users["mia"], Role = OrganizationRole.Member, JoinedAt = DateTimeOffset.UtcNow });
        var s = new MarketplaceSubscription
        {
            ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = "666666666666", OfferType = OfferType.Payg,
            LicenseArn = "arn:aws:license-manager::666666666666:license:l-ask", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.AddRange(o, s, new OnboardingSession
        {
            SubscriptionId = s.Id, UserId = users["mia"], TokenHash = Guid.NewGuid().ToString("N"), Step = OnboardingStep.Review,
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        (org, subscription) = (o.Id, s.Id);
    }

    private IRenderedComponent<AskAdminsCard> RenderAs(string who) => Render<AskAdminsCard>(p => p
        .Add(x => x.OrganizationId, org).Add(x => x.SubscriptionId, subscription)
        .AddCascadingValue(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, users[who])], "test"))))));

    [Fact]
    public async Task AskAdminsCard_Member_SeesMaskedAdminsAndSendsOnce()
    {
        var cut = RenderAs("mia");
        cut.WaitForElement("#ask-admins-send");

        Assert.Contains("a***@northwind.example", cut.Markup);
        Assert.DoesNotContain("alice@northwind.example", cut.Markup);
        cut.Find("#ask-admins-send").Click();
        cut.WaitForAssertion(() => Assert.Contains("We e-mailed 1 admin(s)", cut.Find("#ask-admins-result").TextContent));
        Assert.True(cut.Find("#ask-admins-send").HasAttribute("disabled"));
        await using var db = App.CreateDbContext();
        Assert.Equal("alice@northwind.example", (await db.EmailMessages.SingleAsync(m => m.Kind == MemberEmails.LinkRequest)).To);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("stranger")]
    public void AskAdminsCard_AdminOrStranger_RendersNothing(string who)
    {
        var cut = RenderAs(who);

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#ask-admins")));
        Assert.DoesNotContain("***@", cut.Markup);
    }
}
