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
        RuleFor(m => m.Email).AccountEmail(l);
        // Only the bounds at sign-in: an old password may predate today's rules, and a rules message would hint at them.
        RuleFor(m => m.Password).Cascade(CascadeMode.Stop).NotEmpty().WithMessage(_ => l["Validation.PasswordRequired"])
            .MaximumLength(AccountRules.MaxPassword).WithMessage(_ => l["Validation.TooLong", AccountRules.MaxPassword]).PlainText(l);
    }
}

public sealed class RegisterValidator : AbstractValidator<RegisterModel>
{
    /// <summary>Far above any password manager's; a bound so a megabyte "password" is refused before it is hashed.</summary>
    public const int MaxPassword = AccountRules.MaxPassword;

    public RegisterValidator(IStringLocalizer<SharedResources> l)
    {
        RuleFor(m => m.Name).Cascade(CascadeMode.Stop).NotEmpty().WithMessage(_ => l["Validation.NameRequired"])
            .MaximumLength(100).WithMessage(_ => l["Validation.TooLong", 100]).PlainText(l);
        RuleFor(m => m.Email).AccountEmail(l);
        RuleFor(m => m.Password).NewPassword(l);
        RuleFor(m => m.ConfirmPassword).Equal(m => m.Password).WithMessage(_ => l["Validation.PasswordsDiffer"]);
        RuleFor(m => m.AcceptTerms).Equal(true).WithMessage(_ => l["Validation.AcceptTerms"]);
    }
}

/// <summary>
/// The rules every account form shares. Each chain stops at its first failure: a field shows one message for one
/// broken rule (an empty e-mail is "enter your e-mail", not that plus "not valid"; a short password one rules line).
/// </summary>
public static class AccountRules
{
    public const int MaxPassword = 256;
    public const int MaxEmail = 254;

    public static IRuleBuilderOptions<T, string?> AccountEmail<T>(this IRuleBuilderInitial<T, string?> rule, IStringLocalizer l) =>
        rule.Cascade(CascadeMode.Stop).NotEmpty().WithMessage(_ => l["Validation.EmailRequired"])
            .MaximumLength(MaxEmail).WithMessage(_ => l["Validation.TooLong", MaxEmail]).PlainText(l)
            .EmailAddress().WithMessage(_ => l["Validation.EmailInvalid"]);

    public static IRuleBuilderOptions<T, string?> NewPassword<T>(this IRuleBuilderInitial<T, string?> rule, IStringLocalizer l) =>
        rule.Cascade(CascadeMode.Stop).NotEmpty().WithMessage(_ => l["Validation.PasswordRequired"])
            .MaximumLength(MaxPassword).WithMessage(_ => l["Validation.TooLong", MaxPassword]).PlainText(l)
            .Must(MeetsRules).WithMessage(_ => l["Validation.PasswordRules"]);

    /// <summary>At least 8 characters with an upper-case and a lower-case letter, a digit and a symbol (one message for all).</summary>
    public static bool MeetsRules(string? password) => password is { Length: >= 8 }
        && password.Any(char.IsAsciiLetterUpper) && password.Any(char.IsAsciiLetterLower) && password.Any(char.IsAsciiDigit)
        && password.Any(c => !char.IsAsciiLetterOrDigit(c));
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
    public ForgotPasswordValidator(IStringLocalizer<SharedResources> l) => RuleFor(m => m.Email).AccountEmail(l);
}

/// <summary>The same password rules as registration.</summary>
public sealed class ResetPasswordValidator : AbstractValidator<ResetPasswordModel>
{
    public ResetPasswordValidator(IStringLocalizer<SharedResources> l)
    {
        RuleFor(m => m.Password).NewPassword(l);
        RuleFor(m => m.ConfirmPassword).Equal(m => m.Password).WithMessage(_ => l["Validation.PasswordsDiffer"]);
    }
}
