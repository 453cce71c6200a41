using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MudBlazor;
using Portal.Localization;
using Portal.Onboarding;
using Portal.Onboarding.Steps;
using Portal.Organizations;

namespace Portal.Tests.Components;

/// <summary>What the move to MudBlazor added to the wizard: red borders, one message per rule, the connecting state, the bind dialog.</summary>
public sealed class WizardMudBlazorTests : StepPageContext
{
    [Fact]
    public async Task Submit_Empty_TurnsTheFieldBorderRed_WithOneMessageEach()
    {
        await SeedAsync(OnboardingStep.BusinessInfo);
        var cut = RenderStep<BusinessInfoPage>();
        cut.WaitForElement("form");

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("input[name=company]").GetAttribute("aria-invalid")));
        var company = cut.Find("input[name=company]").Closest(".mud-input-control")!;
        Assert.Contains("mud-input-error", company.ClassList);
        Assert.Single(company.QuerySelectorAll(".mud-input-helper-text.mud-input-error"));
        Assert.Equal("This field is required.", company.QuerySelector(".mud-input-helper-text.mud-input-error .me-auto")!.TextContent.Trim());
        // The name field shows its limit rather than cutting input silently.
        Assert.Equal("100", cut.Find("input[name=company]").GetAttribute("maxlength"));
        Assert.Contains("0 / 100", company.TextContent);
    }

    [Fact]
    public void Validators_report_one_message_per_field_however_many_rules_it_breaks()
    {
        using var scope = App.Services.CreateScope();
        var l = scope.ServiceProvider.GetRequiredService<IStringLocalizer<SharedResources>>();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<OnboardingOptions>>();

        var business = new BusinessInfoValidator(l, options).Validate(new BusinessInfoModel
        {
            CompanyName = new string('a', 150) + "\u0001", Role = "Engineering", CompanySize = "x", Country = "JP", UseCase = "u",
        });
        Assert.Single(business.Errors, e => e.PropertyName == nameof(BusinessInfoModel.CompanyName));
        Assert.Single(business.Errors, e => e.PropertyName == nameof(BusinessInfoModel.CompanySize));

        // An empty required e-mail is "required", once, not also "invalid" (nor skipped by the format rule's condition).
        var enterprise = new EnterpriseInfoValidator(l, options).Validate(new EnterpriseInfoModel { LegalEntityName = "A", Industry = "Retail", Address = "T" });
        var email = Assert.Single(enterprise.Errors, e => e.PropertyName == nameof(EnterpriseInfoModel.BillingEmail));
        Assert.Equal("This field is required.", email.ErrorMessage);

        var name = new NameValidator(l).Validate(new NameModel { Name = new string('n', 101) + "\u0007" });
        Assert.Single(name.Errors);
    }

    [Fact]
    public async Task Before_the_circuit_is_up_the_primary_button_says_it_is_connecting_and_cannot_be_pressed()
    {
        await SeedAsync(OnboardingStep.BusinessInfo);
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var cut = RenderStep<BusinessInfoPage>();

        cut.WaitForAssertion(() => Assert.Contains("Connecting…", cut.Find("#step-submit").TextContent));
        Assert.True(cut.Find("#step-submit").HasAttribute("disabled"));
        Assert.NotEmpty(cut.Find("#step-submit").QuerySelectorAll(".mud-progress-circular"));
    }

    [Fact]
    public async Task Binding_an_existing_workspace_asks_first_in_a_dialog_and_cancel_keeps_the_step()
    {
        var (orgId, workspaceId) = await SeedOrganizationWithWorkspaceAsync();
        await SeedAsync(OnboardingStep.Workspace, new OnboardingData
        {
            SiteId = "us-west-2", Organization = new OrganizationChoice { Mode = ChoiceMode.Existing, ExistingId = orgId, Name = "Old Org" },
        });
        var dialogs = Render<MudDialogProvider>();
        var cut = RenderStep<WorkspacePage>();
        cut.WaitForElement("input[name=ws-mode]");

        cut.FindAll("input[name=ws-mode]")[1].Change("Existing");
        cut.WaitForElement("input[name=ws-existing]").Change(workspaceId.ToString());
        cut.Find("#step-submit").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Bind \"Existing WS\" to this subscription?", dialogs.Markup));
        dialogs.Find("#bind-cancel").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("#bind-confirm")));
        Assert.Equal(OnboardingStep.Workspace, (await StoredSessionAsync()).Step);

        cut.Find("#step-submit").Click();
        dialogs.WaitForElement("#bind-confirm").Click();
        await WaitForStepAsync(OnboardingStep.Review);
        Assert.Equal(workspaceId, OnboardingData.Parse((await StoredSessionAsync()).Data).Workspace!.ExistingId);
    }

    [Fact]
    public async Task A_new_code_is_a_passing_notice_and_during_the_countdown_the_resend_button_says_please_wait()
    {
        await SeedUnverifiedAsync(sendCode: false);
        var snackbars = Render<MudSnackbarProvider>();
        var cut = RenderStep<Portal.Onboarding.Pages.VerifyEmailStepPage>();
        cut.WaitForAssertion(() => Assert.Null(cut.Find("#verify-resend").GetAttribute("aria-disabled")));

        cut.Find("#verify-resend").Click();

        snackbars.WaitForAssertion(() => Assert.Contains("A new code is on its way", snackbars.Markup));
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("#verify-resend").GetAttribute("aria-disabled")));
        Assert.Matches(@"Send a new code in \d+ s", cut.Find("#verify-resend").TextContent);
        Assert.False(cut.Find("#verify-resend").HasAttribute("disabled")); // focusable: it says why it waits
        cut.Find("#verify-resend").Click();
        cut.WaitForAssertion(() => Assert.Contains("Please wait a moment", cut.Find("[role=alert]").TextContent));
    }

    [Fact]
    public async Task A_disabled_organization_choice_shows_why()
    {
        await SeedAsync(OnboardingStep.Organization);
        var cut = RenderStep<OrganizationPage>();
        cut.WaitForElement("input[name=org-mode]");

        var existing = cut.FindAll("input[name=org-mode]")[1];
        Assert.True(existing.HasAttribute("disabled"));
        var reason = cut.Find("#" + existing.GetAttribute("aria-describedby"));
        Assert.Equal("You have no organizations yet.", reason.TextContent.Trim());
    }

    [Fact]
    public void Site_names_follow_the_UI_culture_and_fall_back_to_the_configured_name()
    {
        var site = new SiteOption { Id = "cn-northwest-1", Name = "China 2 (Ningxia)", Names = { ["zh-CN"] = "中国区2（宁夏）" } };
        Assert.Equal("中国区2（宁夏）", site.DisplayName(CultureInfo.GetCultureInfo("zh-CN")));
        Assert.Equal("China 2 (Ningxia)", site.DisplayName(CultureInfo.GetCultureInfo("ja")));
        Assert.Equal("China 2 (Ningxia)", site.DisplayName(CultureInfo.GetCultureInfo("en-US")));
        Assert.Equal("中国区2（宁夏）", App.Services.GetRequiredService<IOptions<OnboardingOptions>>().Value.Sites
            .Single(s => s.Id == "cn-northwest-1").DisplayName(CultureInfo.GetCultureInfo("zh-CN")));
    }

    private async Task<(Guid Org, Guid Workspace)> SeedOrganizationWithWorkspaceAsync()
    {
        await using var db = App.CreateDbContext();
        var org = new Organization { Name = "Old Org", CreatedAt = DateTimeOffset.UtcNow };
        var ws = new Workspace { OrganizationId = org.Id, Name = "Existing WS", Site = "us-west-2", Language = "en", CreatedAt = DateTimeOffset.UtcNow };
        db.Organizations.Add(org);
        db.Workspaces.Add(ws);
        await db.SaveChangesAsync();
        return (org.Id, ws.Id);
    }
}
