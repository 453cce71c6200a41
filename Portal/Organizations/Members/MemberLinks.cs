namespace Portal.Organizations.Members;

/// <summary>
/// The absolute links members' e-mails carry, built in one place and always from the configured public base URL
/// (Portal:PublicBaseUrl), never from a host a request or circuit claims.
/// </summary>
public static class MemberLinks
{
    public static string Invitation(Portal.Operations.PublicUrls urls, string token) => urls.Link($"invitations/accept?token={Uri.EscapeDataString(token)}");

    public static string Members(Portal.Operations.PublicUrls urls, Guid organizationId) => urls.Link($"organizations/{organizationId}/members");

    /// <summary>Where an admin asked to link goes: the request's page in the organization's home (Organizations/Pages/LinkRequestPage).</summary>
    public static string LinkRequest(Portal.Operations.PublicUrls urls, Guid organizationId, Guid subscriptionId) =>
        urls.Link($"organizations/{organizationId}/link-requests/{subscriptionId}");
}

public static class MemberEmails
{
    /// <summary>Values: brand, organization, inviter, role (localized), link (absolute, single use), days (validity).</summary>
    public const string Invitation = "organization-invitation";
    /// <summary>To each admin. Values: brand, name (the admin), member, organization, product, account (masked), link.</summary>
    public const string LinkRequest = "link-request";
}
