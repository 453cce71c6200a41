using Portal.Provisioning;

namespace Portal.Admin.Provisioning;

/// <summary>The console's vendor API keys and organizations: the VendorAdmin check first, as in every console service.</summary>
public sealed class VendorConsole(AdminAccess access, VendorApiKeyService keys, ProvisioningService provisioning)
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

    public async Task<IReadOnlyList<OrganizationSummary>> ListOrganizationsAsync(CancellationToken ct = default)
    {
        await access.DemandAsync();
        return (await provisioning.ListAsync(0, 200, ct)).Items;
    }

    /// <summary>
    /// The organization and its first admin, with the API's semantics: an e-mail without an account gets an unclaimed
    /// user record, claimed later by password reset or sign-up with that address (README, "Provisioning API").
    /// </summary>
    public async Task<ProvisionResult<OrganizationView>> CreateOrganizationAsync(string name, string adminEmail, string? externalId, CancellationToken ct = default) =>
        await provisioning.CreateOrganizationAsync(new NewOrganization(name, adminEmail, string.IsNullOrWhiteSpace(externalId) ? null : externalId.Trim()),
            await access.DemandAsync(), ct);
}
