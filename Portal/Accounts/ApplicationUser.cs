using Microsoft.AspNetCore.Identity;

namespace Portal.Accounts;

public sealed class ApplicationUser : IdentityUser
{
    public string? DisplayName { get; set; }
    /// <summary>Which version of the service agreement the user accepted, and when (the guides ask for both).</summary>
    public string? TermsVersion { get; set; }
    public DateTimeOffset? TermsAcceptedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
