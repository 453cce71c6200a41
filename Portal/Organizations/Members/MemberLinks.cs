namespace Portal.Organizations.Members;

/// <summary>
/// The absolute links members' e-mails carry, built in one place: the base URL is the page's today
/// (NavigationManager.BaseUri, as the other e-mails do); switching to a configured public URL changes only this file.
/// </summary>
public static class MemberLinks
{
    public static string Invitation(string baseUrl, string token) => $"{Root(baseUrl)}/invitations/accept?token={Uri.EscapeDataString(token)}";

    public static string Members(string baseUrl, Guid organizationId) => $"{Root(baseUrl)}/organizations/{organizationId}/members";

    /// <summary>Where an admin asked to link goes: the request's page in the organization's home (Organizations/Pages/LinkRequestPage).</summary>
    public static string LinkRequest(string baseUrl, Guid organizationId, Guid subscriptionId) =>
        $"{Root(baseUrl)}/organizations/{organizationId}/link-requests/{subscriptionId}";

    private static string Root(string baseUrl) => baseUrl.TrimEnd('/');
}

public static class MemberEmails
{
    /// <summary>Values: brand, organization, inviter, role (localized), link (absolute, single use), days (validity).</summary>
    public const string Invitation = "organization-invitation";
    /// <summary>To each admin. Values: brand, name (the admin), member, organization, product, account (masked), link.</summary>
    public const string LinkRequest = "link-request";
}
