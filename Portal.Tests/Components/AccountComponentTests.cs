using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Accounts.Pages;
using Portal.Onboarding;
using Portal.Onboarding.Pages;

namespace Portal.Tests.Components;

public sealed class RegisterFormTests : StepPageContext
{
    [Fact]
    public void Submit_BadInput_ShowsEveryMessageAndDoesNotCallBack()
    {
        var submitted = false;
        var cut = Render<RegisterForm>(p => p.Add(f => f.OnSubmit, (RegisterModel _) => submitted = true));

        cut.Find("input[name=register-email]").Input("nope");
        cut.Find("input[name=register-password]").Input("short");
        cut.Find("input[name=register-confirm]").Input("other");
        cut.Find("form").Submit();

        Assert.False(submitted);
        Assert.Contains("Enter your name.", cut.Markup);
        Assert.Contains("Enter a valid e-mail address", cut.Markup);
        Assert.Contains("at least 8 characters", cut.Markup);
        Assert.Contains("The two passwords differ.", cut.Markup);
        Assert.Contains("Accept the service agreement to continue.", cut.Markup);
    }

    [Fact]
    public void Submit_Valid_CallsBackWithModel()
    {
        RegisterModel? submitted = null;
        var cut = Render<RegisterForm>(p => p.Add(f => f.OnSubmit, (RegisterModel m) => submitted = m));

        cut.Find("input[name=register-name]").Input("Ada");
        cut.Find("input[name=register-email]").Input("ada@example.com");
        cut.Find("input[name=register-password]").Input("Str0ng!Passw0rd");
        cut.Find("input[name=register-confirm]").Input("Str0ng!Passw0rd");
        cut.Find("input[name=register-terms]").Change(true);
        cut.Find("form").Submit();

        Assert.Equal("ada@example.com", submitted?.Email);
    }
}

public sealed class SignInFormTests : StepPageContext
{
    [Fact]
    public void Submit_Empty_ShowsMessages_WithErrorShowsAlert()
    {
        var cut = Render<SignInForm>(p => p.Add(f => f.Error, "The e-mail address or password is incorrect."));

        cut.Find("form").Submit();

        Assert.Contains("Enter your e-mail address.", cut.Markup);
        Assert.Contains("Enter your password.", cut.Markup);
        // Field messages are alerts too, so look for the form-level one among them.
        Assert.Contains(cut.FindAll("[role=alert]"), a => a.TextContent.Contains("The e-mail address or password is incorrect."));
    }
}

public sealed class VerifyEmailPageTests : StepPageContext
{
    [Fact]
    public async Task Verify_WrongCode_SaysSoAndStays()
    {
        await SeedUnverifiedAsync();
        var cut = RenderStep<VerifyEmailStepPage>();
        cut.WaitForElement("input[name=verify-code]");
        cut.WaitForAssertion(() => Assert.Contains("c@example.com", cut.Markup)); // the address comes with the user, loaded on its own

        cut.Find("input[name=verify-code]").Input("12345");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("Enter the 6 digits", cut.Markup));

        cut.Find("input[name=verify-code]").Input("000000");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.True(cut.Markup.Contains("That code is not right") || cut.Markup.Contains("account/handoff")));
        Assert.Equal(OnboardingStep.VerifyEmail, (await StoredSessionAsync()).Step);
    }
}
