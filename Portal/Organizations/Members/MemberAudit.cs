using Portal.Audit;

namespace Portal.Organizations.Members;

/// <summary>Audit types of membership changes. AuditEvent has no organization column, so Details starts with it.</summary>
public static class MemberAudit
{
    public const string Invited = "organization.member.invited";
    public const string InvitationResent = "organization.invitation.resent";
    public const string InvitationRevoked = "organization.invitation.revoked";
    public const string InvitationAccepted = "organization.invitation.accepted";
    public const string RoleChanged = "organization.member.role-changed";
    public const string Removed = "organization.member.removed";
    public const string LinkRequested = "organization.link-requested";

    public static AuditEvent Event(string type, Guid organizationId, string actor, string details, DateTimeOffset now, Guid? subscriptionId = null) =>
        new() { Type = type, OccurredAt = now, Actor = actor, SubscriptionId = subscriptionId, Details = $"organization {organizationId}: {details}" };

    /// <summary>a***@northwind.example: enough for a colleague to recognise, not enough to harvest.</summary>
    public static string MaskEmail(string? email)
    {
        if (string.IsNullOrEmpty(email)) return "";
        var at = email.LastIndexOf('@');
        return at <= 0 ? "***" : $"{email[0]}***{email[at..]}";
    }
}
