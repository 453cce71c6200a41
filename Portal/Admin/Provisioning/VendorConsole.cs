using Portal.Email;
using Portal.Organizations.Members;
using Portal.Provisioning;

namespace Portal.Admin.Provisioning;

/// <summary>The console's vendor API keys and organizations: the VendorAdmin check first, as in every console service.</summary>
public sealed class VendorConsole(AdminAccess access, VendorApiKeyService keys, ProvisioningService provisioning, InvitationService invitations,
    IEmailDelivery delivery, ConsoleOrganizations organizations)
{
    public async Task<List<VendorApiKey>> ListKeysAsync(CancellationToken ct = default)
    {
        await access.DemandAsync();
        return await keys.ListAsync(ct);
    }

    public async Task<CreatedVendorApiKey> CreateKeyAsync(string name, CancellationToken ct = default) =>
        await keys.CreateAsync(name, await access.DemandAsync(), ct);

    public async Task<bool> RevokeKeyAsync(Guid id, CancellationToken ct = default) =>
        await keys.RevokeAsync(id, await access.DemandAsync(), ct);

    public async Task<IReadOnlyList<ConsoleOrganizationRow>> ListOrganizationsAsync(CancellationToken ct = default)
    {
        await access.DemandAsync();
        return await organizations.ListAsync(200, ct);
    }

    /// <summary>
    /// The organization, and an e-mailed Admin invitation to its first admin, saved together: the person signs in (or
    /// registers) with that address from the link and becomes the admin, as any invitee does (Organizations/Members).
    /// The API instead names members at once, for customers the vendor already knows; the console asks.
    /// </summary>
    public async Task<ProvisionResult<OrganizationView>> CreateOrganizationAsync(string name, string adminEmail, string? externalId, CancellationToken ct = default)
    {
        var vendorAdmin = await access.DemandAsync();
        var result = await provisioning.CreateOrganizationAsync(
            new NewOrganization(name, adminEmail, string.IsNullOrWhiteSpace(externalId) ? null : externalId.Trim()), vendorAdmin, ct,
            (db, organization) => invitations.StageFirstAdminAsync(db, organization.Id, organization.Name, adminEmail, vendorAdmin, ct));
        if (result.Status == ProvisionStatus.Created) delivery.Notify();
        return result;
    }
}
