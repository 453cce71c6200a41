using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Accounts.Pages;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;
using Portal.Onboarding.Pages;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Components;

/// <summary>The pages of two-step sign-in on the real services: enrolment, and the code step of both sign-in forms.</summary>
public sealed class TwoFactorPageTests : StepPageContext
{
    private const string Email = "two.step@example.com";

    private NavigationManager Nav => Services.GetRequiredService<NavigationManager>();

    [Fact]
    public async Task Enrolling_shows_the_key_and_uri_and_a_code_from_the_key_turns_it_on_with_recovery_codes()
    {
        var user = await AdminTestData.CreateUserAsync(App, Email);
        var cut = Render<TwoFactorSettings>(p => p.AddCascadingValue(SignedIn(user.Id)));
        cut.WaitForElement("#twofactor-begin").Click();

        var key = cut.WaitForElement("#twofactor-key").TextContent.Trim();
        Assert.Matches("^([a-z2-7]{4} )+[a-z2-7]{1,4}$", key);
        Assert.StartsWith("otpauth://totp/Testbrand%20Cloud:two.step%40example.com?secret=", cut.Find("#twofactor-uri").TextContent.Trim());
        cut.Find("input[name=twofactor-enable-code]").Input("12345");
        cut.Find("#twofactor-enable").Click();
        cut.WaitForAssertion(() => Assert.Contains("That code is not right", cut.Markup));

        cut.Find("input[name=twofactor-enable-code]").Input(Totp.Now(key));
        cut.Find("#twofactor-enable").Click();

        var codes = cut.WaitForElement("#recovery-codes").TextContent.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, codes.Length);
        await using var db = App.CreateDbContext();
        Assert.True((await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id)).TwoFactorEnabled);
    }

    [Fact]
    public async Task The_wizards_sign_in_asks_for_the_code_and_hands_off_only_after_it()
    {
        var key = await EnrolledUserAsync();
        await SeedAnonymousSessionAsync();
        var cut = RenderStep<AccountStepPage>(new ClaimsPrincipal(new ClaimsIdentity()));
        cut.WaitForElement("input[name=signin-email]").Input(Email);
        cut.Find("input[name=signin-password]").Input(AdminTestData.Password);
        cut.Find("#signin-form").Submit();

        cut.WaitForElement("input[name=twofactor-code]").Input(Totp.Code(key, DateTimeOffset.UtcNow.AddHours(-1)));
        Assert.DoesNotContain("handoff", Nav.Uri);
        cut.Find("#twofactor-form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("That code is not right", cut.Markup));
        Assert.DoesNotContain("handoff", Nav.Uri);
        await using (var db = App.CreateDbContext()) Assert.Equal(0, await db.SignInTickets.CountAsync());

        cut.Find("input[name=twofactor-code]").Input(Totp.Now(key));
        cut.Find("#twofactor-form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("account/handoff?ticket=", Nav.Uri));
    }

    [Fact]
    public async Task The_account_sign_in_takes_a_recovery_code_in_place_of_the_apps()
    {
        await EnrolledUserAsync();
        string recovery;
        using (var scope = App.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            recovery = (await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByEmailAsync(Email))!, 10))!.First();
        }
        var protector = App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Portal.Accounts.SignInBinding.v1");
        var http = new DefaultHttpContext();
        http.Request.Headers.Cookie = $"{SignInBinding.Name}={protector.Protect(Guid.NewGuid().ToString("N"))}";
        var cut = Render<SignInPage>(p => p.AddCascadingValue(http));
        cut.WaitForElement("input[name=signin-email]").Input(Email);
        cut.Find("input[name=signin-password]").Input(AdminTestData.Password);
        cut.Find("#signin-form").Submit();

        cut.WaitForElement("input[name=twofactor-code]").Input(recovery);
        cut.Find("#twofactor-form").Submit();

        cut.WaitForAssertion(() => Assert.Contains("account/signin/complete?ticket=", Nav.Uri));
    }

    private static Task<AuthenticationState> SignedIn(string userId) =>
        Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "test"))));

    private async Task<string> EnrolledUserAsync()
    {
        await AdminTestData.CreateUserAsync(App, Email);
        using var scope = App.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var twoFactor = scope.ServiceProvider.GetRequiredService<TwoFactor>();
        var user = (await users.FindByEmailAsync(Email))!;
        var setup = await twoFactor.SetupAsync(user);
        Assert.NotNull(await twoFactor.EnableAsync(user, Totp.Now(setup.FormattedKey)));
        return setup.FormattedKey;
    }

    private async Task SeedAnonymousSessionAsync()
    {
        await using var db = App.CreateDbContext();
        var subscription = new MarketplaceSubscription
        {
            ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = "123456789013",
            LicenseArn = "arn:aws:license-manager::123456789013:license:l-2fa", OfferType = OfferType.Payg,
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
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
}
