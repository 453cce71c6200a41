using FluentValidation;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Portal.Localization;
using Portal.Onboarding;
using Portal.Provisioning;

namespace Portal.Organizations.SignUp;

/// <summary>The organization and first workspace of a direct sign-up (billed by the vendor, no AWS subscription).</summary>
public sealed class SignUpOrganizationModel
{
    public string? OrganizationName { get; set; }
    public string? WorkspaceName { get; set; }
    public string? Site { get; set; }
    public string? Language { get; set; }
}

/// <summary>The provisioning API's rules, so a sign-up and the vendor's product can never make different organizations.</summary>
public sealed class SignUpOrganizationValidator : AbstractValidator<SignUpOrganizationModel>
{
    public SignUpOrganizationValidator(IStringLocalizer<SharedResources> l, IOptions<OnboardingOptions> options)
    {
        RuleFor(m => m.OrganizationName).Name(l);
        RuleFor(m => m.WorkspaceName).Name(l);
        RuleFor(m => m.Site).Site(l, options.Value);
        RuleFor(m => m.Language).Language(l, options.Value);
    }
}
