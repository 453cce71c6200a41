using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Organizations;
using Portal.Organizations.Members;

namespace Portal.Admin.Provisioning;

/// <summary>
/// One row of the console's Organizations tab. An organization the console created has no member until its first admin
/// accepts the e-mailed invitation, so the row says whether that invitation is still open or has expired.
/// </summary>
public sealed record ConsoleOrganizationRow(Guid Id, string? ExternalId, string Name, DateTimeOffset CreatedAt, bool BilledThroughAws,
    int Members, string? InvitedAdmin, bool InvitationExpired);

/// <summary>The console's list of organizations, newest first (the ones just made are the ones a vendor admin looks for).</summary>
public sealed class ConsoleOrganizations(IDbContextFactory<PortalDbContext> factory, TimeProvider time)
{
    public async Task<IReadOnlyList<ConsoleOrganizationRow>> ListAsync(int limit, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var rows = await db.Organizations.AsNoTracking().OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Id).Take(limit)
            .Select(o => new
            {
                o.Id, o.ExternalId, o.Name, o.CreatedAt,
                Aws = db.Subscriptions.Any(s => s.OrganizationId == o.Id),
                Members = db.OrganizationMembers.Count(m => m.OrganizationId == o.Id),
                Invitation = db.Set<OrganizationInvitation>()
                    .Where(i => i.OrganizationId == o.Id && i.Role == OrganizationRole.Admin && i.AcceptedAt == null && i.RevokedAt == null)
                    .OrderByDescending(i => i.SentAt).Select(i => new { i.Email, i.ExpiresAt }).FirstOrDefault(),
            }).ToListAsync(ct);
        var now = time.GetUtcNow();
        return [.. rows.Select(r => new ConsoleOrganizationRow(r.Id, r.ExternalId, r.Name, r.CreatedAt, r.Aws, r.Members,
            r.Members == 0 ? r.Invitation?.Email : null, r.Invitation is { } i && i.ExpiresAt <= now))];
    }
}
