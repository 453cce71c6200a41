namespace Portal.Admin;

/// <summary>The console's administrators tab: the same policy check as every other console call, then <see cref="AdminGrants"/>.</summary>
public sealed class AdminUsers(AdminAccess access, AdminGrants grants)
{
    public async Task<IReadOnlyList<AdminUser>> ListAsync(CancellationToken ct = default)
    {
        await access.DemandAsync();
        return await grants.ListAsync(ct);
    }

    public async Task<GrantResult> GrantAsync(string email, CancellationToken ct = default) =>
        await grants.GrantAsync(email, await access.DemandAsync(), ct);

    public async Task<RevokeResult> RevokeAsync(string userId, CancellationToken ct = default) =>
        await grants.RevokeAsync(userId, await access.DemandAsync(), ct);
}
