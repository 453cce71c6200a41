namespace Portal.Admin;

/// <summary>The vendor console's settings: who becomes the first administrator.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>E-mail addresses (<c>Admin:Emails:0</c>, <c>:1</c>…) whose verified accounts are always vendor admins.</summary>
    public List<string> Emails { get; set; } = [];

    public bool IsConfigured(string? email) =>
        !string.IsNullOrWhiteSpace(email) && Emails.Any(e => string.Equals(e?.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase));
}
