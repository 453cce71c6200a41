using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Email;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;
using Portal.Onboarding.Pages;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Components;

/// <summary>
/// Registration must not tell a stranger which addresses have accounts: registering a fresh address and one that is
/// taken lead through the same pages with the same words (address aside), wrong code and resend included. Only the
/// mailboxes differ: a code for the new address, a notice for the owner of the taken one.
/// </summary>
public sealed class AccountEnumerationTests : StepPageContext
{
    [Fact]
    public async Task Registering_a_new_and_a_taken_address_reads_the_same()
    {
        await AdminTestData.CreateUserAsync(App, "taken@example.com");

        var fresh = await WalkAsync("fresh@example.com");
        var taken = await WalkAsync("taken@example.com");

        for (var i = 0; i < fresh.Length; i++) Assert.Equal(fresh[i], taken[i]);
        Assert.Contains("We sent a 6-digit code", fresh[0]);
        Assert.Contains("That code is not right", fresh[1]);
        await using var db = App.CreateDbContext();
        Assert.Equal(EmailKinds.VerifyEmail, (await db.EmailMessages.SingleAsync(m => m.To == "fresh@example.com")).Kind);
        Assert.Equal(EmailKinds.AccountExists, (await db.EmailMessages.SingleAsync(m => m.To == "taken@example.com")).Kind);
        Assert.Equal(1, await db.Users.CountAsync(u => u.Email == "taken@example.com"));
    }

    [Fact]
    public async Task A_taken_address_can_go_back_and_sign_in_instead()
    {
        await AdminTestData.CreateUserAsync(App, "taken@example.com");
        await WalkAsync("taken@example.com");
        var verify = RenderAnonymous<VerifyEmailStepPage>();
        verify.WaitForElement("#verify-other-email").Click();

        await WaitForStepAsync(OnboardingStep.Account);
        var stored = await StoredSessionAsync();
        Assert.Null(stored.UserId);
        Assert.Null(OnboardingData.Parse(stored.Data).PendingRegistration);
    }

    /// <summary>Registers <paramref name="email"/> on a new session and returns the verification page's text after load, a wrong code and a resend.</summary>
    private async Task<string[]> WalkAsync(string email)
    {
        await SeedAnonymousSessionAsync();
        var account = RenderAnonymous<AccountStepPage>();
        account.WaitForElement("input[name=register-email]");
        account.Find("input[name=register-name]").Input("Pat Buyer");
        account.Find("input[name=register-email]").Input(email);
        account.Find("input[name=register-password]").Input("Str0ng!Passw0rd");
        account.Find("input[name=register-confirm]").Input("Str0ng!Passw0rd");
        account.Find("input[name=register-terms]").Change(true);
        account.FindAll("form").Single(f => f.QuerySelector("input[name=register-email]") is not null).Submit();
        await WaitForStepAsync(OnboardingStep.VerifyEmail);
        account.Dispose();

        var verify = RenderAnonymous<VerifyEmailStepPage>();
        verify.WaitForAssertion(() => Assert.Contains(email, verify.Markup));
        var loaded = Text(verify, email);
        verify.Find("input[name=verify-code]").Input("000000");
        verify.Find("form").Submit();
        verify.WaitForAssertion(() => Assert.Contains("That code is not right", verify.Markup));
        var wrong = Text(verify, email);
        verify.Find("#verify-resend").Click();
        verify.WaitForAssertion(() => Assert.NotEqual(wrong, Text(verify, email)));
        return [loaded, wrong, Text(verify, email)];
    }

    // The words a person sees, with the address they typed and the ticking resend countdown taken out.
    private static string Text<T>(IRenderedComponent<T> cut, string email) where T : IComponent =>
        System.Text.RegularExpressions.Regex.Replace(
            string.Join(" ", cut.Find(".portal-card").TextContent.Replace(email, "{email}").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)),
            @"\d+ s\b", "N s");

    private async Task SeedAnonymousSessionAsync()
    {
        await using var db = App.CreateDbContext();
        var subscription = new MarketplaceSubscription
        {
            ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = "1234" + Random.Shared.Next(10_000_000, 99_999_999),
            LicenseArn = "arn:aws:license-manager::123456789012:license:l-" + Guid.NewGuid().ToString("N")[..12],
            OfferType = OfferType.Payg, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        var session = new OnboardingSession
        {
            SubscriptionId = subscription.Id, TokenHash = Guid.NewGuid().ToString("N"), Step = OnboardingStep.Account,
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.AddRange(subscription, session);
        await db.SaveChangesAsync();
        SetSession(session.Id);
    }

    private IRenderedComponent<TPage> RenderAnonymous<TPage>() where TPage : IComponent
    {
        var cookie = App.Services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector("Portal.Onboarding.SessionCookie.v1").Protect(SessionId.ToString("N"));
        var http = new DefaultHttpContext();
        http.Request.Headers.Cookie = $"{OnboardingCookie.Name}={cookie}";
        return Render<TPage>(p => p
            .AddCascadingValue(http)
            .AddCascadingValue(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity())))));
    }
}
