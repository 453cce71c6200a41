using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Portal.Accounts;
using Portal.Accounts.Pages;

namespace Portal.Tests.Components;

/// <summary>
/// The account forms on MudBlazor: one message per broken rule under each field, the field itself marked invalid
/// (red border class, aria-invalid tied to its message), a named terms checkbox, and no dead submit before the circuit.
/// </summary>
public sealed class AccountFormValidationTests : StepPageContext
{
    private const string FieldError = HostileAccountInputTests.FieldError;

    [Fact]
    public void Register_EmptySubmit_OneMessagePerFieldAndEachFieldInvalid()
    {
        var cut = Render<RegisterForm>();

        cut.Find("form").Submit();

        AssertOneMessage(cut, "register-name", "Enter your name.");
        AssertOneMessage(cut, "register-email", "Enter your e-mail address.");
        AssertOneMessage(cut, "register-password", "Enter your password.");
        Assert.DoesNotContain("Enter a valid e-mail address", cut.Markup); // the empty address is not also "not valid"
        Assert.DoesNotContain("at least 8 characters", cut.Markup); // nor the empty password "too short"
        Assert.Equal("true", cut.Find("input[name=register-terms]").GetAttribute("aria-invalid"));
        Assert.Contains("Accept the service agreement to continue.", Message(cut, "register-terms"));
    }

    [Theory]
    [InlineData("short")] // breaks four rules: length, upper case, digit, symbol
    [InlineData("alllowercase")]
    [InlineData("NoDigitsOrSymbols")]
    public void Register_WeakPassword_ShowsTheRulesOnce(string password)
    {
        var cut = Render<RegisterForm>();

        cut.Find("input[name=register-password]").Input(password);
        cut.Find("form").Submit();

        AssertOneMessage(cut, "register-password", "Use at least 8 characters");
        // The rules line is the field's helper text too; while the field is in error it shows once, as the error.
        Assert.Single(cut.FindAll(".mud-input-helper-text"), h => h.TextContent.Contains("Use at least 8 characters"));
    }

    [Fact]
    public void Register_TypingAValidValue_ClearsTheFieldLive()
    {
        var cut = Render<RegisterForm>();
        cut.Find("form").Submit();

        cut.Find("input[name=register-email]").Input("ada@example.com");

        Assert.Equal("false", cut.Find("input[name=register-email]").GetAttribute("aria-invalid"));
        Assert.Empty(Control(cut, "register-email").QuerySelectorAll(FieldError));
        Assert.NotEmpty(Control(cut, "register-name").QuerySelectorAll(FieldError)); // the others stay marked
    }

    [Fact]
    public void Register_TermsCheckbox_IsNamedByItsLabelAndTheLinkStillOpensTheTerms()
    {
        var cut = Render<RegisterForm>(p => p.Add(f => f.TermsUrl, "https://vendor.example/terms"));

        var box = cut.Find("input[name=register-terms]");
        var label = box.Closest("label");

        Assert.NotNull(label); // a label around the input is its accessible name
        Assert.Contains("I accept the service agreement", label.TextContent);
        var link = cut.Find("#register-terms-link");
        Assert.Equal("https://vendor.example/terms", link.GetAttribute("href"));
        Assert.Equal("_blank", link.GetAttribute("target"));
        Assert.Contains("noopener", link.GetAttribute("rel"));
    }

    [Fact]
    public void SignIn_EmptyEmail_OneMessageNotTwo()
    {
        var cut = Render<SignInForm>();

        cut.Find("form").Submit();

        AssertOneMessage(cut, "signin-email", "Enter your e-mail address.");
        AssertOneMessage(cut, "signin-password", "Enter your password.");
        Assert.DoesNotContain("Enter a valid e-mail address", cut.Markup);
    }

    [Fact]
    public void ResetPage_WeakPassword_ShowsTheRulesOnce()
    {
        var cut = Render<ResetPasswordPage>();

        cut.Find("input[name=reset-password]").Input("abc");
        cut.Find("input[name=reset-confirm]").Input("abd");
        cut.Find("form").Submit();

        AssertOneMessage(cut, "reset-password", "Use at least 8 characters");
        AssertOneMessage(cut, "reset-confirm", "The two passwords differ.");
    }

    [Fact]
    public void ForgotPage_BadAddress_OneMessage()
    {
        var cut = Render<ForgotPasswordPage>();

        cut.Find("input[name=forgot-email]").Input("not-an-email");
        cut.Find("form").Submit();

        AssertOneMessage(cut, "forgot-email", "Enter a valid e-mail address");
    }

    [Fact]
    public void Forms_BeforeTheCircuit_SubmitSaysConnectingAndIsDisabled()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var register = Render<RegisterForm>();
        var signIn = Render<SignInForm>();

        foreach (var button in new[] { register.Find("#register-submit"), signIn.Find("#signin-submit") })
        {
            Assert.True(button.HasAttribute("disabled"));
            Assert.Equal("button", button.GetAttribute("type")); // never a submit that the prerendered page would lose
            Assert.Contains("Connecting…", button.TextContent);
            Assert.NotNull(button.QuerySelector(".mud-progress-circular"));
        }
    }

    [Fact]
    public void Forms_Interactive_SubmitIsARealSubmitButton()
    {
        var cut = Render<RegisterForm>();

        var button = cut.Find("#register-submit");

        Assert.False(button.HasAttribute("disabled"));
        Assert.Equal("submit", button.GetAttribute("type"));
        Assert.Equal("Create account", button.TextContent.Trim());
    }

    [Fact]
    public void Forms_Busy_SubmitSaysWorkingAndIsDisabled()
    {
        var cut = Render<SignInForm>(p => p.Add(f => f.Busy, true));

        var button = cut.Find("#signin-submit");

        Assert.True(button.HasAttribute("disabled"));
        Assert.Contains("Working…", button.TextContent);
    }

    /// <summary>The field named <paramref name="name"/> shows exactly one message, containing <paramref name="text"/>, and is marked invalid.</summary>
    private static void AssertOneMessage<T>(IRenderedComponent<T> cut, string name, string text) where T : IComponent
    {
        var control = Control(cut, name);
        var message = Assert.Single(control.QuerySelectorAll(FieldError));
        Assert.Contains(text, message.TextContent);
        var input = cut.Find($"input[name={name}]");
        Assert.Equal("true", input.GetAttribute("aria-invalid"));
        Assert.NotNull(control.QuerySelector(".mud-input.mud-input-error")); // the border, not only the label
        var describedBy = input.GetAttribute("aria-describedby") ?? "";
        Assert.Contains(describedBy.Split(' '), id => message.QuerySelector($"[id='{id}']") is not null || message.Id == id);
    }

    private static string Message<T>(IRenderedComponent<T> cut, string name) where T : IComponent =>
        string.Join(" ", Control(cut, name).QuerySelectorAll(FieldError).Select(e => e.TextContent));

    private static IElement Control<T>(IRenderedComponent<T> cut, string name) where T : IComponent =>
        cut.Find($"input[name={name}]").Closest(".mud-input-control") ?? throw new InvalidOperationException($"{name} is not in a MudBlazor input control");
}
