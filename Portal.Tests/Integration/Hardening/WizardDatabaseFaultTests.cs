using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Onboarding;
using Portal.Onboarding.Pages;
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

    [Fact]
    public async Task VerifyCodeDuringOutage_SaysTryAgainAndKeepsTheCode_WorksAfterwards()
    {
        await SeedUnverifiedAsync();
        var cut = RenderStep<VerifyEmailStepPage>();
        cut.WaitForAssertion(() => Assert.Contains("c@example.com", cut.Markup), Patience);
        await Stable(() => { cut.Find("input[name=verify-code]").Input("000000"); return Task.CompletedTask; });

        await using (await DatabaseOutage.StartAsync(App.Services))
        {
            await Stable(() => cut.Find("form").SubmitAsync());

            cut.WaitForAssertion(() => Assert.Contains("We could not save this step just now", cut.Find("#step-save-failed").TextContent), Patience);
            Assert.Equal("000000", cut.Find("input[name=verify-code]").GetAttribute("value"));
        }

        await Stable(() => cut.Find("form").SubmitAsync());

        // The database answers again: the (made-up) code is checked and refused, the outage message is gone.
        cut.WaitForAssertion(() => Assert.True(cut.Markup.Contains("That code is not right") || cut.Markup.Contains("account/handoff")), Patience);
        Assert.Empty(cut.FindAll("#step-save-failed"));
    }

    /// <summary>
    /// The verify page re-renders every second (the resend countdown), which can replace an element's event handler
    /// between finding it and firing it: find it again and retry, a few times.
    /// </summary>
    private static async Task Stable(Func<Task> action)
    {
        for (var i = 0; ; i++)
        {
            try { await action(); return; }
            catch (Exception ex) when (i < 5 && ex.Message.Contains("no event handler", StringComparison.Ordinal)) { }
        }
    }
}
