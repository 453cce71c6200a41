using System.Text.Json;

namespace Portal.Onboarding;

/// <summary>The answers collected so far, stored as JSON on the session so each step can resume with them.</summary>
public sealed class OnboardingData
{
    public BusinessInfoModel? Business { get; set; }
    public EnterpriseInfoModel? Enterprise { get; set; }
    public string? SiteId { get; set; }
    public OrganizationChoice? Organization { get; set; }
    public WorkspaceChoice? Workspace { get; set; }
    /// <summary>Set by the link: where "Go to your workspace" and the billing page lead.</summary>
    public Guid? LinkedOrganizationId { get; set; }
    public Guid? LinkedWorkspaceId { get; set; }
    /// <summary>A registration with an address that already has an account (see <see cref="PendingRegistrations"/>).</summary>
    public PendingRegistration? PendingRegistration { get; set; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OnboardingData Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return new();
        try { return JsonSerializer.Deserialize<OnboardingData>(json, Json) ?? new(); }
        catch (JsonException) { return new(); }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

public sealed class PendingRegistration
{
    public string Email { get; set; } = "";
    public DateTimeOffset SentAt { get; set; }
    public int FailedAttempts { get; set; }
}

public sealed class BusinessInfoModel
{
    public string CompanyName { get; set; } = "";
    public string Role { get; set; } = "";
    public string CompanySize { get; set; } = "";
    public string Country { get; set; } = "";
    public string? Phone { get; set; }
    public string UseCase { get; set; } = "";
}

public sealed class EnterpriseInfoModel
{
    public string LegalEntityName { get; set; } = "";
    public string Industry { get; set; } = "";
    public string Address { get; set; } = "";
    public string? TaxId { get; set; }
    public string BillingEmail { get; set; } = "";
}

public enum ChoiceMode { New, Existing }

public sealed class OrganizationChoice
{
    public ChoiceMode Mode { get; set; }
    public string? Name { get; set; }
    public Guid? ExistingId { get; set; }
}

public sealed class WorkspaceChoice
{
    public ChoiceMode Mode { get; set; }
    public string? Name { get; set; }
    public string? Language { get; set; }
    public Guid? ExistingId { get; set; }
}
