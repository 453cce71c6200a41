using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Accounts.Pages;
using Portal.Onboarding;
using Portal.Onboarding.Pages;
using static Portal.Tests.Components.HostileWizardInputTests;

namespace Portal.Tests.Components;

/// <summary>The account forms (registration, sign-in, verification code) with the same hostile values as the wizard.</summary>
public sealed class HostileAccountInputTests : StepPageContext
{
    [Theory]
    [InlineData("name")]
    [InlineData("email")]
    [InlineData("password")]
    public async Task Registration_refuses_hostile_input_with_a_message_or_keeps_it_exactly(string field)
    {
        for (var i = 0; i < Values.Length; i++)
        {
            var hostile = Values[i];
            var (name, email, password) = field switch
            {
                "name" => (hostile, $"name{i}@example.com", "Str0ng!Passw0rd"),
                "email" => ("Ada", $"{hostile}{i}@example.com", "Str0ng!Passw0rd"),
                _ => ("Ada", $"password{i}@example.com", hostile + "Aa1!"), // the rest of the password rules met
            };
            RegisterModel? submitted = null;
            var cut = Render<RegisterForm>(p => p.Add(f => f.OnSubmit, (RegisterModel m) => submitted = m));
            cut.Find("input[name=register-name]").Input(name);
            cut.Find("input[name=register-email]").Input(email);
            cut.Find("input[name=register-password]").Input(password);
            cut.Find("input[name=register-confirm]").Input(password);
            cut.Find("input[name=register-terms]").Change(true);
            cut.Find("form").Submit();
            AssertNoInjectedElements(cut);

            var before = await UserCountAsync();
            if (submitted is null)
            {
                Assert.NotEmpty(cut.FindAll(FieldError));
                continue;
            }
            Assert.False(MustRefuse(hostile), $"{field} accepted {Describe(hostile)}"); // passwords too: no control or broken characters
            // What the account page does with a valid form; the identity rules may still refuse (e.g. the e-mail's characters).
            using var scope = App.Services.CreateScope();
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            var result = await accounts.RegisterAsync(submitted.Email, submitted.Name, submitted.Password);
            if (result.User is null)
            {
                Assert.NotEmpty(result.Errors);
                Assert.Equal(before, await UserCountAsync());
                continue;
            }
            await using var db = App.CreateDbContext();
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == result.User.Id);
            Assert.Equal((name, email), (user.DisplayName, user.Email));
            var (check, _) = await accounts.CheckPasswordAsync(email, password);
            Assert.True(check.Succeeded, $"the password {Describe(password)} does not sign in");
            // The verification e-mail greets the user by name: in its HTML as text, never as markup.
            var mail = await db.EmailMessages.AsNoTracking().Where(m => m.To == email).SingleAsync();
            Assert.DoesNotContain("<script", mail.HtmlBody ?? "", StringComparison.OrdinalIgnoreCase);
            // The brand's logo is the one image the composer itself writes; apart from it, no markup from the name.
            Assert.DoesNotContain("<img", WithoutLogo(mail.HtmlBody ?? ""), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Sign_in_with_hostile_input_shows_a_message_and_stores_nothing()
    {
        foreach (var hostile in Values)
        {
            SignInModel? submitted = null;
            var cut = Render<SignInForm>(p => p.Add(f => f.OnSubmit, (SignInModel m) => submitted = m));
            cut.Find("input[name=signin-email]").Input(hostile + "@example.com");
            cut.Find("input[name=signin-password]").Input(hostile);
            cut.Find("form").Submit();
            AssertNoInjectedElements(cut);
            if (submitted is null)
            {
                Assert.NotEmpty(cut.FindAll(FieldError));
                continue;
            }
            using var scope = App.Services.CreateScope();
            var (result, user) = await scope.ServiceProvider.GetRequiredService<AccountService>().CheckPasswordAsync(submitted.Email, submitted.Password);
            Assert.False(result.Succeeded);
            Assert.Null(user);
        }
        Assert.Equal(0, await UserCountAsync());
    }

    [Fact]
    public async Task A_hostile_verification_code_gets_the_format_message_and_the_step_stays()
    {
        await SeedUnverifiedAsync(sendCode: false);
        var cut = RenderStep<VerifyEmailStepPage>();
        cut.WaitForElement("input[name=verify-code]");

        foreach (var hostile in Values.Append("１２３４５６").Append("123456\u0000"))
        {
            cut.Find("input[name=verify-code]").Input(hostile);
            cut.Find("form").Submit();
            cut.WaitForAssertion(() => Assert.Contains("Enter the 6 digits", cut.Markup));
            AssertNoInjectedElements(cut);
        }
        Assert.Equal(OnboardingStep.VerifyEmail, (await StoredSessionAsync()).Step);
        await using var db = App.CreateDbContext();
        Assert.False((await db.Users.AsNoTracking().SingleAsync()).EmailConfirmed);
    }

    [Fact]
    public async Task The_account_service_answers_broken_text_with_a_failure_not_an_exception()
    {
        // Before the guard, Identity's e-mail normalizer and password hasher threw on half a surrogate pair.
        using var scope = App.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();

        var registered = await accounts.RegisterAsync("ada\uD800@example.com", "Ada", "Str0ng!Passw0rd");
        var withPassword = await accounts.RegisterAsync("ada@example.com", "Ada", "Str0ng!\uDC00Passw0rd");
        var (signIn, user) = await accounts.CheckPasswordAsync("ada\uD800@example.com", "Str0ng!\uD800");

        Assert.Null(registered.User);
        Assert.NotEmpty(registered.Errors);
        Assert.Null(withPassword.User);
        Assert.False(signIn.Succeeded);
        Assert.Null(user);
        Assert.Equal(0, await UserCountAsync());
    }

    /// <summary>A field's message as MudBlazor shows it (one per field, under the red border).</summary>
    internal const string FieldError = ".mud-input-helper-text.mud-input-error";

    private string WithoutLogo(string html)
    {
        var logo = App.Services.GetRequiredService<Portal.Email.BrandLogo>().ImgTag();
        Assert.NotEmpty(logo);
        var at = html.IndexOf(logo, StringComparison.Ordinal);
        Assert.True(at >= 0, "the HTML part shows the brand's logo");
        return html.Remove(at, logo.Length);
    }

    private async Task<int> UserCountAsync()
    {
        await using var db = App.CreateDbContext();
        return await db.Users.CountAsync();
    }
}
