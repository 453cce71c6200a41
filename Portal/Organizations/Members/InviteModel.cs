using FluentValidation;
using Microsoft.Extensions.Localization;
using Portal.Accounts;
using Portal.Localization;

namespace Portal.Organizations.Members;

public sealed class InviteModel
{
    public string Email { get; set; } = "";
    public OrganizationRole Role { get; set; } = OrganizationRole.Member;
}

public sealed class InviteValidator : AbstractValidator<InviteModel>
{
    public InviteValidator(IStringLocalizer<SharedResources> l)
    {
        RuleFor(m => m.Email).AccountEmail(l);
        RuleFor(m => m.Role).IsInEnum().WithMessage(_ => l["Members.Invite.RoleRequired"]);
    }
}
