namespace Portal.Organizations;

public enum OrganizationRole { Admin, Member }

/// <summary>The vendor-side billing account ("organization"): workspaces live in it, one AWS subscription bills it.</summary>
public sealed class Organization
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public required string Name { get; set; }
    /// <summary>The vendor's own id for this customer (provisioning API); unique, null for organizations made here.</summary>
    public string? ExternalId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>
    /// Set when a contract that bills the organization ended without renewal and its grace period ran out (see
    /// <see cref="Home.ContractGrace"/>); cleared when it is billed again. The vendor's product reads it to stop service.
    /// </summary>
    public DateTimeOffset? DisabledAt { get; set; }
    public List<OrganizationMember> Members { get; init; } = [];
    public List<Workspace> Workspaces { get; init; } = [];
}

public sealed class OrganizationMember
{
    public Guid OrganizationId { get; init; }
    public required string UserId { get; init; }
    public OrganizationRole Role { get; set; }
    public DateTimeOffset JoinedAt { get; init; }
}

/// <summary>Where the product is used. Site and language are fixed at creation, as the guides warn.</summary>
public sealed class Workspace
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public Guid OrganizationId { get; init; }
    public required string Name { get; set; }
    /// <summary>Language of the workspace's event, alert and SMS templates (not the UI language).</summary>
    public required string Language { get; init; }
    public required string Site { get; init; }
    /// <summary>The vendor's own id for this workspace (provisioning API); unique within its organization.</summary>
    public string? ExternalId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>The AWS subscription this workspace was created for or bound to at linking, shown as "bound" on the home.</summary>
    public Guid? LinkedSubscriptionId { get; set; }
}
