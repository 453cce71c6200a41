using FluentValidation;
using Microsoft.Extensions.Localization;
using Portal.Localization;
using Portal.Onboarding.Steps;

namespace Portal.Accounts;

public sealed class SignInModel
{
    public string Email { get; set; } = "";
    public string Password { get; set; } = "";
}

public sealed class RegisterModel
{
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public string Password { get; set; } = "";
    public string ConfirmPassword { get; set; } = "";
    public bool AcceptTerms { get; set; }
}

public sealed class VerifyCodeModel
{
    public string Code { get; set; } = "";
}

public sealed class SignInValidator : AbstractValidator<SignInModel>
{
    public SignInValidator(IStringLocalizer<SharedResources> l)
    {
        RuleFor(m => m.Email).NotEmpty().WithMessage(_ => l["Validation.EmailRequired"]).EmailAddress().WithMessage(_ => l["Validation.EmailInvalid"])
            .MaximumLength(254).WithMessage(_ => l["Validation.TooLong", 254]).PlainText(l);
        RuleFor(m => m.Password).NotEmpty().WithMessage(_ => l["Validation.PasswordRequired"])
            .MaximumLength(RegisterValidator.MaxPassword).WithMessage(_ => l["Validation.TooLong", RegisterValidator.MaxPassword]).PlainText(l);
    }
}

public sealed class RegisterValidator : AbstractValidator<RegisterModel>
{
    /// <summary>Far above any password manager's; a bound so a megabyte "password" is refused before it is hashed.</summary>
    public const int MaxPassword = 256;

    public RegisterValidator(IStringLocalizer<SharedResources> l)
    {
        RuleFor(m => m.Name).NotEmpty().WithMessage(_ => l["Validation.NameRequired"]).MaximumLength(100).WithMessage(_ => l["Validation.TooLong", 100])
            .PlainText(l);
        RuleFor(m => m.Email).NotEmpty().WithMessage(_ => l["Validation.EmailRequired"]).EmailAddress().WithMessage(_ => l["Validation.EmailInvalid"])
            .MaximumLength(254).WithMessage(_ => l["Validation.TooLong", 254]).PlainText(l);
        RuleFor(m => m.Password).NotEmpty().WithMessage(_ => l["Validation.PasswordRequired"])
            .MaximumLength(MaxPassword).WithMessage(_ => l["Validation.TooLong", MaxPassword]).PlainText(l)
            .MinimumLength(8).WithMessage(_ => l["Validation.PasswordRules"])
            .Matches("[A-Z]").WithMessage(_ => l["Validation.PasswordRules"]).Matches("[a-z]").WithMessage(_ => l["Validation.PasswordRules"])
            .Matches("[0-9]").WithMessage(_ => l["Validation.PasswordRules"]).Matches("[^a-zA-Z0-9]").WithMessage(_ => l["Validation.PasswordRules"]);
        RuleFor(m => m.ConfirmPassword).Equal(m => m.Password).WithMessage(_ => l["Validation.PasswordsDiffer"]);
        RuleFor(m => m.AcceptTerms).Equal(true).WithMessage(_ => l["Validation.AcceptTerms"]);
    }
}

public sealed class VerifyCodeValidator : AbstractValidator<VerifyCodeModel>
{
    public VerifyCodeValidator(IStringLocalizer<SharedResources> l) =>
        RuleFor(m => m.Code).Matches("^\\s*[0-9]{6}\\s*$").WithMessage(_ => l["Validation.CodeFormat"]);
}

public sealed class ForgotPasswordModel
{
    public string Email { get; set; } = "";
}

public sealed class ResetPasswordModel
{
    public string Password { get; set; } = "";
    public string ConfirmPassword { get; set; } = "";
}

public sealed class ForgotPasswordValidator : AbstractValidator<ForgotPasswordModel>
{
    public ForgotPasswordValidator(IStringLocalizer<SharedResources> l) =>
        RuleFor(m => m.Email).NotEmpty().WithMessage(_ => l["Validation.EmailRequired"]).EmailAddress().WithMessage(_ => l["Validation.EmailInvalid"])
            .MaximumLength(254).WithMessage(_ => l["Validation.TooLong", 254]).PlainText(l);
}

/// <summary>The same password rules as registration.</summary>
public sealed class ResetPasswordValidator : AbstractValidator<ResetPasswordModel>
{
    public ResetPasswordValidator(IStringLocalizer<SharedResources> l)
    {
        RuleFor(m => m.Password).NotEmpty().WithMessage(_ => l["Validation.PasswordRequired"])
            .MaximumLength(RegisterValidator.MaxPassword).WithMessage(_ => l["Validation.TooLong", RegisterValidator.MaxPassword]).PlainText(l)
            .MinimumLength(8).WithMessage(_ => l["Validation.PasswordRules"])
            .Matches("[A-Z]").WithMessage(_ => l["Validation.PasswordRules"]).Matches("[a-z]").WithMessage(_ => l["Validation.PasswordRules"])
            .Matches("[0-9]").WithMessage(_ => l["Validation.PasswordRules"]).Matches("[^a-zA-Z0-9]").WithMessage(_ => l["Validation.PasswordRules"]);
        RuleFor(m => m.ConfirmPassword).Equal(m => m.Password).WithMessage(_ => l["Validation.PasswordsDiffer"]);
    }
}
