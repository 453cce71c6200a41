using Microsoft.AspNetCore.Identity;

namespace Portal.Accounts;

public sealed class ApplicationUser : IdentityUser
{
    public string? DisplayName { get; set; }
}
