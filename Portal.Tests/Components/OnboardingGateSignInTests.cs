using System.Security.Claims;
using Bunit;
using Portal.Onboarding;
using Portal.Onboarding.Steps;

namespace Portal.Tests.Components;

/// <summary>
/// Past the account step a wizard page is shown only to the buyer who owns the session. A browser that lost its
/// sign-in cookie (found by the crash test: the portal was killed after the sign-in hand-off saved the step but before
/// the cookie reached the browser) gets "sign in to continue" instead of a step it could never finish.
/// </summary>
public sealed class OnboardingGateSignInTests : StepPageContext
{
    private static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());

    private static OnboardingData Ready => new()
    {
        SiteId = "us-west-2",
        Organization = new OrganizationChoice { Mode = ChoiceMode.New, Name = "Gate Org" },
        Workspace = new WorkspaceChoice { Mode = ChoiceMode.New, Name = "Production", Language = "en" },
    };

    [Theory]
    [InlineData(OnboardingStep.BusinessInfo, "/onboarding/business")]
    [InlineData(OnboardingStep.Organization, "/onboarding/organization")]
    public async Task A_step_after_the_account_asks_an_anonymous_browser_to_sign_in(OnboardingStep step, string path)
    {
        await SeedAsync(step, Ready);

        if (step == OnboardingStep.BusinessInfo) AssertSignInAsked(RenderStep<BusinessInfoPage>(Anonymous), path);
        else AssertSignInAsked(RenderStep<OrganizationPage>(Anonymous), path);
        Assert.Equal(step, (await StoredSessionAsync()).Step);
    }

    private static void AssertSignInAsked<TPage>(IRenderedComponent<TPage> cut, string path) where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        cut.WaitForAssertion(() => Assert.Contains("Sign in to continue your setup", cut.Find("h1").TextContent));
        Assert.Equal("/account/signin?returnUrl=" + Uri.EscapeDataString(path), cut.Find("#onboarding-signin-continue").GetAttribute("href"));
        Assert.Empty(cut.FindAll("form"));
        Assert.Empty(cut.FindAll("#step-submit"));
    }

    [Fact]
    public async Task The_review_step_offers_no_link_button_to_an_anonymous_browser_or_another_account()
    {
        await SeedAsync(OnboardingStep.Review, Ready);
        var stranger = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString())], "test"));

        foreach (var who in new[] { Anonymous, stranger })
        {
            var cut = RenderStep<ReviewPage>(who);
            cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#onboarding-signin")));
            Assert.Empty(cut.FindAll("#step-submit"));
            Assert.DoesNotContain("Gate Org", cut.Markup); // nor the owner's answers
        }
    }

    [Fact]
    public async Task The_owner_sees_the_step_itself()
    {
        await SeedAsync(OnboardingStep.Review, Ready);

        var cut = RenderStep<ReviewPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#step-submit")));
        Assert.Empty(cut.FindAll("#onboarding-signin"));
        Assert.Contains("Gate Org", cut.Markup);
    }

    [Fact]
    public async Task The_steps_before_the_account_need_no_sign_in()
    {
        await SeedUnverifiedAsync();

        var cut = RenderStep<Portal.Onboarding.Pages.VerifyEmailStepPage>(Anonymous);

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("input[name=verify-code]")));
        Assert.Empty(cut.FindAll("#onboarding-signin"));
    }
}
