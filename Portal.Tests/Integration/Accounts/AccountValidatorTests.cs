using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Accounts;

/// <summary>Each account field reports one failure at a time: the first rule it breaks (MudBlazor shows one message per field).</summary>
public sealed class AccountValidatorTests : IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    private IValidator<T> Validator<T>() => app.Services.GetRequiredService<IValidator<T>>();

    [Theory]
    [InlineData("", "Enter your password.")]
    [InlineData("short", "Use at least 8 characters")] // four rules broken, one message
    [InlineData("abcdefgh", "Use at least 8 characters")]
    [InlineData("ABCDEFGH1!", "Use at least 8 characters")]
    [InlineData("Abcdefgh1", "Use at least 8 characters")]
    [InlineData("Ab1!\u0001xyz", "characters")] // a control character: the plain-text rule, not the rules line too
    public void Register_BrokenPassword_OneFailure(string password, string message)
    {
        var result = Validator<RegisterModel>().Validate(new RegisterModel { Password = password, ConfirmPassword = password });

        var failure = Assert.Single(result.Errors, e => e.PropertyName == nameof(RegisterModel.Password));
        Assert.Contains(message, failure.ErrorMessage);
    }

    [Theory]
    [InlineData("", "Enter your e-mail address.")]
    [InlineData("not-an-email", "Enter a valid e-mail address")]
    public void EveryForm_BrokenEmail_OneFailure(string email, string message)
    {
        var failures = new[]
        {
            Validator<RegisterModel>().Validate(new RegisterModel { Email = email }).Errors,
            Validator<SignInModel>().Validate(new SignInModel { Email = email }).Errors,
            Validator<ForgotPasswordModel>().Validate(new ForgotPasswordModel { Email = email }).Errors,
        };

        foreach (var errors in failures)
            Assert.Contains(message, Assert.Single(errors, e => e.PropertyName == "Email").ErrorMessage);
    }

    [Fact]
    public void Reset_BrokenPassword_OneFailureAndAStrongOnePasses()
    {
        var weak = Validator<ResetPasswordModel>().Validate(new ResetPasswordModel { Password = "short", ConfirmPassword = "short" });
        var strong = Validator<ResetPasswordModel>().Validate(new ResetPasswordModel { Password = "Str0ng!Passw0rd", ConfirmPassword = "Str0ng!Passw0rd" });

        Assert.Single(weak.Errors);
        Assert.True(strong.IsValid);
    }

    [Fact]
    public void Register_Valid_NoFailure()
    {
        var model = new RegisterModel { Name = "Ada", Email = "ada@example.com", Password = "Str0ng!Passw0rd", ConfirmPassword = "Str0ng!Passw0rd", AcceptTerms = true };

        Assert.True(Validator<RegisterModel>().Validate(model).IsValid);
    }
}
