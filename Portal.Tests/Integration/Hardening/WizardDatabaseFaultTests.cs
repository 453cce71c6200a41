using Bunit;
using Portal.Onboarding;
using Portal.Onboarding.Steps;
using Portal.Tests.Components;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Hardening;

/// <summary>
/// A wizard step submitted while the database is unavailable: the page says it could not save and to try again,
/// the circuit survives with the typed answers still in the form, and the same submit saves them once the database
/// is back. bUnit with the portal's real services and database.
/// </summary>
public sealed class WizardDatabaseFaultTests() : StepPageContext(DatabaseOutage.FastFailingSqlite)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30); // a guard, not a measurement

    [Fact]
    public async Task SubmitDuringOutage_SaysTryAgainAndKeepsAnswers_SubmitAfterwardsSaves()
    {
        await SeedAsync(OnboardingStep.BusinessInfo, new OnboardingData
        {
            Business = new BusinessInfoModel { CompanyName = "Acme", Role = "Engineering", CompanySize = "11-50", Country = "JP", UseCase = "Monitoring" },
        });
        var cut = RenderStep<BusinessInfoPage>();
        cut.WaitForElement("input[name=company]");
        cut.Find("input[name=company]").Input("Acme K.K.");
        cut.Find("textarea[name=usecase]").Input("Log analytics for 40 services");

        await using (await DatabaseOutage.StartAsync(App.Services))
        {
            await cut.Find("form").SubmitAsync();

            cut.WaitForAssertion(() => Assert.Contains("We could not save this step just now", cut.Find("#step-save-failed").TextContent), Patience);
            Assert.Equal("alert", cut.Find("#step-save-failed").GetAttribute("role"));
            Assert.Equal("Acme K.K.", cut.Find("input[name=company]").GetAttribute("value"));
            Assert.Contains("Log analytics for 40 services", cut.Find("textarea[name=usecase]").GetAttribute("value") ?? cut.Find("textarea[name=usecase]").TextContent);
            Assert.Contains("Tell us about your business", cut.Find("h1").TextContent); // the step, not an error page
        }

        var before = await StoredSessionAsync();
        Assert.Equal(OnboardingStep.BusinessInfo, before.Step);
        Assert.Equal("Acme", OnboardingData.Parse(before.Data).Business!.CompanyName); // nothing half-saved

        await cut.Find("form").SubmitAsync();

        await WaitForStepAsync(OnboardingStep.EnterpriseInfo);
        var saved = OnboardingData.Parse((await StoredSessionAsync()).Data).Business!;
        Assert.Equal(("Acme K.K.", "Log analytics for 40 services"), (saved.CompanyName, saved.UseCase));
    }
}
