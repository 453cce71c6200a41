using FluentValidation;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Portal.Accounts;
using Portal.Localization;
using Portal.Onboarding;
using Portal.Onboarding.Steps;
using Portal.Organizations;

namespace Portal.Provisioning;

public enum ProvisionStatus { Created, Updated, Invalid, NotFound, Conflict }

/// <param name="Errors">field (as the JSON names it) → messages, for <see cref="ProvisionStatus.Invalid"/></param>
/// <param name="Code">a stable code a program can act on, for <see cref="ProvisionStatus.Conflict"/> and NotFound</param>
public sealed record ProvisionResult<T>(ProvisionStatus Status, T? Value = default, IDictionary<string, string[]>? Errors = null, string? Code = null);

public sealed record OrganizationRequest(string ExternalId, string? Name);

/// <param name="Name">the person's display name, used only when the e-mail has no account yet</param>
public sealed record MemberRequest(string OrganizationExternalId, string Email, string? Role, string? Name = null);

public sealed record WorkspaceRequest(string OrganizationExternalId, string ExternalId, string? Name, string? Site, string? Language);

public sealed record NewWorkspace(string? Name, string? Site, string? Language);

/// <summary>An organization made here (console, direct sign-up): its first admin by e-mail, and optionally its first workspace.</summary>
public sealed record NewOrganization(string? Name, string? AdminEmail, string? ExternalId = null, NewWorkspace? Workspace = null, string? AdminName = null);

/// <param name="Claimed">false while the account was made by provisioning and nobody has set its password yet</param>
public sealed record MemberView(string Email, string Role, bool Claimed, DateTimeOffset JoinedAt);

public sealed record WorkspaceView(Guid Id, string? ExternalId, string Name, string Site, string Language, DateTimeOffset CreatedAt);

public sealed record OrganizationView(Guid Id, string? ExternalId, string Name, DateTimeOffset CreatedAt, bool BilledThroughAws,
    IReadOnlyList<MemberView> Members, IReadOnlyList<WorkspaceView> Workspaces);

public sealed record OrganizationSummary(Guid Id, string? ExternalId, string Name, DateTimeOffset CreatedAt, bool BilledThroughAws);

internal static class ProvisioningRules
{
    public const int MaxExternalId = 128;

    /// <summary>The vendor's ids travel in URL paths: letters, digits and <c>. _ - :</c> only, so none needs escaping.</summary>
    public static IRuleBuilderOptions<T, string?> ExternalId<T>(this IRuleBuilderInitial<T, string?> rule, IStringLocalizer l) =>
        rule.Cascade(CascadeMode.Stop).NotEmpty().WithMessage(_ => l["Validation.Required"])
            .MaximumLength(MaxExternalId).WithMessage(_ => l["Validation.TooLong", MaxExternalId])
            .Matches("^[A-Za-z0-9._:-]+$").WithMessage(_ => l["Provisioning.ExternalIdFormat"]);

    public static IRuleBuilderOptions<T, string?> Name<T>(this IRuleBuilderInitial<T, string?> rule, IStringLocalizer l) =>
        rule.Cascade(CascadeMode.Stop).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage(_ => l["Validation.Required"])
            .MaximumLength(100).WithMessage(_ => l["Validation.TooLong", 100]).PlainText(l);

    public static IRuleBuilderOptions<T, string?> Site<T>(this IRuleBuilderInitial<T, string?> rule, IStringLocalizer l, OnboardingOptions o) =>
        rule.Cascade(CascadeMode.Stop).NotEmpty().WithMessage(_ => l["Validation.Required"])
            .Must(s => o.Sites.Any(x => x.Id == s)).WithMessage(_ => l["Provisioning.SiteUnknown", string.Join(", ", o.Sites.Select(x => x.Id))]);

    public static IRuleBuilderOptions<T, string?> Language<T>(this IRuleBuilderInitial<T, string?> rule, IStringLocalizer l, OnboardingOptions o) =>
        rule.Cascade(CascadeMode.Stop).NotEmpty().WithMessage(_ => l["Validation.Required"])
            .Must(c => o.WorkspaceLanguages.Any(x => x.Code == c)).WithMessage(_ => l["Provisioning.LanguageUnknown", string.Join(", ", o.WorkspaceLanguages.Select(x => x.Code))]);

    /// <summary>Only the names "Admin" and "Member" (any case): not Enum.TryParse's numbers or comma lists.</summary>
    public static bool TryRole(string? value, out OrganizationRole role)
    {
        var name = Enum.GetNames<OrganizationRole>().FirstOrDefault(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase));
        role = name is null ? default : Enum.Parse<OrganizationRole>(name);
        return name is not null;
    }
}

public sealed class OrganizationRequestValidator : AbstractValidator<OrganizationRequest>
{
    public OrganizationRequestValidator(IStringLocalizer<SharedResources> l)
    {
        RuleFor(r => r.ExternalId).ExternalId(l).OverridePropertyName("externalId");
        RuleFor(r => r.Name).Name(l).OverridePropertyName("name");
    }
}

public sealed class MemberRequestValidator : AbstractValidator<MemberRequest>
{
    public MemberRequestValidator(IStringLocalizer<SharedResources> l)
    {
        RuleFor(r => r.OrganizationExternalId).ExternalId(l).OverridePropertyName("externalId");
        RuleFor(r => r.Email).AccountEmail(l).OverridePropertyName("email");
        RuleFor(r => r.Role).Must(r => ProvisioningRules.TryRole(r, out _)).WithMessage(_ => l["Provisioning.RoleInvalid"]).OverridePropertyName("role");
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop).MaximumLength(100).WithMessage(_ => l["Validation.TooLong", 100]).PlainText(l).OverridePropertyName("name");
    }
}

public sealed class WorkspaceRequestValidator : AbstractValidator<WorkspaceRequest>
{
    public WorkspaceRequestValidator(IStringLocalizer<SharedResources> l, IOptions<OnboardingOptions> options)
    {
        RuleFor(r => r.OrganizationExternalId).ExternalId(l).OverridePropertyName("externalId");
        RuleFor(r => r.ExternalId).ExternalId(l).OverridePropertyName("workspaceExternalId");
        RuleFor(r => r.Name).Name(l).OverridePropertyName("name");
        RuleFor(r => r.Site).Site(l, options.Value).OverridePropertyName("site");
        RuleFor(r => r.Language).Language(l, options.Value).OverridePropertyName("language");
    }
}

public sealed class NewOrganizationValidator : AbstractValidator<NewOrganization>
{
    public NewOrganizationValidator(IStringLocalizer<SharedResources> l, IOptions<OnboardingOptions> options)
    {
        RuleFor(r => r.Name).Name(l).OverridePropertyName("name");
        RuleFor(r => r.AdminEmail).AccountEmail(l).OverridePropertyName("adminEmail");
        RuleFor(r => r.ExternalId).ExternalId(l).When(r => !string.IsNullOrEmpty(r.ExternalId)).OverridePropertyName("externalId");
        When(r => r.Workspace is not null, () =>
        {
            RuleFor(r => r.Workspace!.Name).Name(l).OverridePropertyName("workspace.name");
            RuleFor(r => r.Workspace!.Site).Site(l, options.Value).OverridePropertyName("workspace.site");
            RuleFor(r => r.Workspace!.Language).Language(l, options.Value).OverridePropertyName("workspace.language");
        });
    }
}
