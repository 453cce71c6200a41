using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Organizations.Members;

internal static class MemberAccess
{
    /// <summary>
    /// The first statement of every membership change: a no-op write to the organization's row. SQLite then holds
    /// its write lock before the transaction reads (a read first could not be upgraded after another writer committed),
    /// and PostgreSQL queues changes to one organization. Then: is the actor an admin of it, as the database says now?
    /// </summary>
    public static async Task<bool> LockAsAdminAsync(PortalDbContext db, Guid organizationId, string? actorId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(actorId)) return false;
        if (await db.Organizations.Where(o => o.Id == organizationId).ExecuteUpdateAsync(u => u.SetProperty(o => o.Name, o => o.Name), ct) != 1) return false;
        return await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == actorId && m.Role == OrganizationRole.Admin, ct);
    }
}
