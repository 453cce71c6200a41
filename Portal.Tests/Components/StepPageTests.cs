using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;
using Portal.Onboarding.Steps;

namespace Portal.Tests.Components;

public sealed class BusinessInfoPageTests : StepPageContext
{
    [Fact]
    public async Task Render_AtBusinessStep_ShowsFormWithStepIndicator()
    {
        await SeedAsync(OnboardingStep.BusinessInfo);

        var cut = RenderStep<BusinessInfoPage>();

        cut.WaitForAssertion(() => Assert.Contains("Tell us about your business", cut.Find("h1").TextContent));
        Assert.NotNull(cut.Find("input[name=company]"));
        Assert.Equal("step", cut.Find(".portal-steps li.current").GetAttribute("aria-current"));
    }

    [Fact]
    public async Task Submit_Empty_ShowsMessagesAndStays()
    {
        await SeedAsync(OnboardingStep.BusinessInfo);
        var cut = RenderStep<BusinessInfoPage>();
        cut.WaitForElement("form");

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".mud-input-helper-text.mud-input-error")));
        Assert.Contains("This field is required.", cut.Markup);
        Assert.Equal(OnboardingStep.BusinessInfo, (await StoredSessionAsync()).Step);
    }

    [Fact]
    public async Task Change_BadPhone_ShowsPhoneMessageLive()
    {
        await SeedAsync(OnboardingStep.BusinessInfo);
        var cut = RenderStep<BusinessInfoPage>();
        cut.WaitForElement("input[name=phone]");

        cut.Find("input[name=phone]").Input("call me maybe");

        cut.WaitForAssertion(() => Assert.Contains("Enter a phone number", cut.Markup));
    }

    [Fact]
    public async Task Submit_Valid_SavesAnswersAndMovesOn()
    {
        await SeedAsync(OnboardingStep.BusinessInfo, new OnboardingData
        {
            Business = new BusinessInfoModel { CompanyName = "Acme", Role = "Engineering", CompanySize = "11-50", Country = "JP", UseCase = "Monitoring" },
        });
        var cut = RenderStep<BusinessInfoPage>();
        cut.WaitForElement("input[name=company]");

        cut.Find("input[name=company]").Input("Acme K.K.");
        cut.Find("form").Submit();

        await WaitForStepAsync(OnboardingStep.EnterpriseInfo);
        Assert.Equal("Acme K.K.", OnboardingData.Parse((await StoredSessionAsync()).Data).Business!.CompanyName);
    }
}

public sealed class EnterpriseInfoPageTests : StepPageContext
{
    [Fact]
    public async Task Submit_BadBillingEmail_ShowsMessageAndStays()
    {
        await SeedAsync(OnboardingStep.EnterpriseInfo);
        var cut = RenderStep<EnterpriseInfoPage>();
        cut.WaitForElement("input[name=billingemail]");

        cut.Find("input[name=billingemail]").Input("not-an-email");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Contains("Enter a valid e-mail address", cut.Markup));
        Assert.Equal(OnboardingStep.EnterpriseInfo, (await StoredSessionAsync()).Step);
    }

    [Fact]
    public async Task Submit_Valid_MovesToSite()
    {
        await SeedAsync(OnboardingStep.EnterpriseInfo, new OnboardingData
        {
            Enterprise = new EnterpriseInfoModel { LegalEntityName = "Acme K.K.", Industry = "Retail", Address = "Tokyo", BillingEmail = "b@example.com" },
        });
        var cut = RenderStep<EnterpriseInfoPage>();
        cut.WaitForElement("form");

        cut.Find("form").Submit();

        await WaitForStepAsync(OnboardingStep.Site);
    }
}

public sealed class SitePageTests : StepPageContext
{
    [Fact]
    public async Task Continue_NothingChosen_AsksToChoose_ThenChosenMovesOn()
    {
        await SeedAsync(OnboardingStep.Site);
        var cut = RenderStep<SitePage>();
        cut.WaitForElement("#step-submit");
        Assert.Contains("cannot be changed later", cut.Markup);

        cut.Find("#step-submit").Click();
        cut.WaitForAssertion(() => Assert.Contains("Choose one of the options.", cut.Markup));

        cut.FindAll("input[name=site]")[1].Change("cn-northwest-1");
        cut.Find("#step-submit").Click();
        await WaitForStepAsync(OnboardingStep.Organization);
        var stored = await StoredSessionAsync();
        Assert.Equal(OnboardingStep.Organization, stored.Step);
        Assert.Equal("cn-northwest-1", OnboardingData.Parse(stored.Data).SiteId);
    }
}

public sealed class OrganizationPageTests : StepPageContext
{
    [Fact]
    public async Task Submit_EmptyName_ShowsMessage_ThenNamedMovesOn()
    {
        await SeedAsync(OnboardingStep.Organization);
        var cut = RenderStep<OrganizationPage>();
        cut.WaitForElement("input[name=org-name]");

        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("This field is required.", cut.Markup));

        cut.Find("input[name=org-name]").Input("Acme");
        cut.Find("form").Submit();
        await WaitForStepAsync(OnboardingStep.Workspace);
        Assert.Equal("Acme", OnboardingData.Parse((await StoredSessionAsync()).Data).Organization!.Name);
    }
}

public sealed class WorkspacePageTests : StepPageContext
{
    [Fact]
    public async Task Render_WarnsLanguageIsPermanent_SubmitNamedMovesToReview()
    {
        await SeedAsync(OnboardingStep.Workspace, new OnboardingData { Organization = new OrganizationChoice { Mode = ChoiceMode.New, Name = "Acme" } });
        var cut = RenderStep<WorkspacePage>();
        cut.WaitForElement("input[name=ws-name]");
        Assert.Contains("cannot be changed after creation", cut.Markup);

        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("This field is required.", cut.Markup));
        cut.Find("input[name=ws-name]").Input("Production");
        cut.Find("form").Submit();

        await WaitForStepAsync(OnboardingStep.Review);
        var choice = OnboardingData.Parse((await StoredSessionAsync()).Data).Workspace!;
        Assert.Equal(("Production", "en"), (choice.Name, choice.Language));
    }
}

public sealed class ReviewPageTests : StepPageContext
{
    [Fact]
    public async Task Link_ShowsSummaryAndLinks()
    {
        await SeedAsync(OnboardingStep.Review, new OnboardingData
        {
            SiteId = "us-west-2",
            Organization = new OrganizationChoice { Mode = ChoiceMode.New, Name = "Acme" },
            Workspace = new WorkspaceChoice { Mode = ChoiceMode.New, Name = "Production", Language = "ja" },
        });
        var cut = RenderStep<ReviewPage>();
        cut.WaitForElement("#step-submit");
        Assert.Contains("Acme", cut.Markup);
        Assert.True(cut.Markup.Contains("Overseas 1 (Oregon)"), cut.Markup);

        cut.Find("#step-submit").Click();

        await WaitForStepAsync(OnboardingStep.Linked);
    }
}

public sealed class ContractReviewPageTests : StepPageContext
{
    private static OnboardingData Answers() => new()
    {
        Organization = new OrganizationChoice { Mode = ChoiceMode.New, Name = "Contoso" },
        Workspace = new WorkspaceChoice { Mode = ChoiceMode.New, Name = "Production", Language = "en" },
    };

    [Fact]
    public async Task A_contract_AWS_has_not_confirmed_waits_and_the_page_moves_on_by_itself_when_the_entitlement_arrives()
    {
        var subscriptionId = await SeedAsync(OnboardingStep.Review, Answers(), offer: OfferType.Contract);
        var cut = RenderStep<ReviewPage>();
        cut.WaitForElement("#contract-waiting");
        Assert.Contains("Waiting for AWS to confirm your contract", cut.Markup);
        Assert.True(cut.Find("#step-submit").HasAttribute("disabled"));

        // The UI bypassed: the link service refuses an unconfirmed contract on its own.
        using (var scope = App.Services.CreateScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<Portal.Organizations.LinkService>().LinkAsync(SessionId, UserId);
            Assert.Equal(Portal.Organizations.LinkOutcome.ContractNotEntitled, result.Outcome);
        }

        // What the refresh worker stores when AWS confirms.
        await using (var db = App.CreateDbContext())
        {
            db.Entitlements.Add(new Portal.Marketplace.Entitlements.SubscriptionEntitlement
            {
                SubscriptionId = subscriptionId, Dimension = "Standard", Value = "1", ValueType = "Integer",
                ExpiresAt = DateTimeOffset.UtcNow.AddYears(1), RefreshedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#contract-waiting")), TimeSpan.FromSeconds(15));
        Assert.False(cut.Find("#step-submit").HasAttribute("disabled"));
        cut.Find("#step-submit").Click();
        await WaitForStepAsync(OnboardingStep.Linked);
    }
}

public sealed class LandingAndLinkedPageTests : StepPageContext
{
    [Fact]
    public async Task StartPage_ShowsProductOfferMaskedAccount_ContinueMovesOn()
    {
        await SeedAsync(OnboardingStep.Landing, newUser: false);
        var cut = RenderStep<Portal.Onboarding.Pages.OnboardingStartPage>();
        cut.WaitForAssertion(() => Assert.Contains("Finish setting up Test Analytics", cut.Find("h1").TextContent));
        Assert.Contains("********9012", cut.Markup);
        Assert.DoesNotContain("123456789012", cut.Markup);

        cut.Find(".portal-actions button").Click();

        await WaitForStepAsync(OnboardingStep.Site); // a returning, signed-in and verified user skips the account and business steps
    }

    [Fact]
    public async Task LinkedPage_ConfirmsBillingAndOffersWorkspace()
    {
        var workspace = Guid.NewGuid();
        await SeedAsync(OnboardingStep.Linked, new OnboardingData
        {
            Organization = new OrganizationChoice { Mode = ChoiceMode.New, Name = "Acme" }, LinkedWorkspaceId = workspace,
        });

        var cut = RenderStep<LinkedPage>();

        cut.WaitForAssertion(() => Assert.Contains("You are all set", cut.Find("h1").TextContent));
        Assert.Contains("The organization Acme is now connected", cut.Markup);
        Assert.EndsWith($"workspaces/{workspace}", cut.Find("#go-workspace").GetAttribute("href"));
    }
}
