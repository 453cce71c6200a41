using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Organizations.Members;

public enum MemberChange { Done, NotAdmin, NotFound, Unchanged, LastAdmin }

public sealed record MemberRow(string UserId, string? Name, string Email, OrganizationRole Role, DateTimeOffset JoinedAt);

public sealed record InvitationRow(Guid Id, string Email, OrganizationRole Role, DateTimeOffset SentAt, DateTimeOffset ExpiresAt);

/// <summary>What a member of the organization may see: everyone's name, address and role; admins also the open invitations.</summary>
public sealed record MembersView(string OrganizationName, OrganizationRole ViewerRole, IReadOnlyList<MemberRow> Members, IReadOnlyList<InvitationRow> Invitations);

/// <summary>
/// Lists members, changes roles and removes members. The last admin rule is the database's (see LastAdminRule): this
/// service only turns its refusal into <see cref="MemberChange.LastAdmin"/>, so no other code path can break it either.
/// </summary>
public sealed class MembersService(IDbContextFactory<PortalDbContext> factory, TimeProvider time, ILogger<MembersService> logger)
{
    /// <summary>Null when <paramref name="userId"/> is not a member of the organization (or it does not exist).</summary>
    public async Task<MembersView?> ViewAsync(Guid organizationId, string? userId, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(userId)) return null;
        await using var db = factory.CreateDbContext();
        var viewer = await db.OrganizationMembers.Where(m => m.OrganizationId == organizationId && m.UserId == userId)
            .Select(m => (OrganizationRole?)m.Role).FirstOrDefaultAsync(ct);
        if (viewer is not { } role) return null;
        var name = await db.Organizations.Where(o => o.Id == organizationId).Select(o => o.Name).SingleAsync(ct);
        var members = (await (from m in db.OrganizationMembers
                              join u in db.Users on m.UserId equals u.Id
                              where m.OrganizationId == organizationId
                              select new MemberRow(m.UserId, u.DisplayName, u.Email ?? "", m.Role, m.JoinedAt)).ToListAsync(ct))
            .OrderBy(m => m.Role).ThenBy(m => m.Name ?? m.Email, StringComparer.CurrentCultureIgnoreCase).ToList();
        var invitations = role != OrganizationRole.Admin ? [] : (await db.Set<OrganizationInvitation>()
                .Where(i => i.OrganizationId == organizationId && i.AcceptedAt == null && i.RevokedAt == null)
                .Select(i => new InvitationRow(i.Id, i.Email, i.Role, i.SentAt, i.ExpiresAt)).ToListAsync(ct))
            .OrderBy(i => i.Email, StringComparer.OrdinalIgnoreCase).ToList();
        return new MembersView(name, role, members, invitations);
    }

    public Task<MemberChange> ChangeRoleAsync(Guid organizationId, string actorId, string memberId, OrganizationRole role, CancellationToken ct = default) =>
        ChangeAsync(organizationId, actorId, memberId, async (db, member) =>
        {
            if (member.Role == role) return false;
            await db.OrganizationMembers.Where(m => m.OrganizationId == organizationId && m.UserId == memberId)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.Role, role), ct);
            db.AuditEvents.Add(MemberAudit.Event(MemberAudit.RoleChanged, organizationId, actorId, $"{memberId} {member.Role} -> {role}", time.GetUtcNow()));
            return true;
        }, ct);

    public Task<MemberChange> RemoveAsync(Guid organizationId, string actorId, string memberId, CancellationToken ct = default) =>
        ChangeAsync(organizationId, actorId, memberId, async (db, member) =>
        {
            await db.OrganizationMembers.Where(m => m.OrganizationId == organizationId && m.UserId == memberId).ExecuteDeleteAsync(ct);
            db.AuditEvents.Add(MemberAudit.Event(MemberAudit.Removed, organizationId, actorId, $"{memberId} ({member.Role})", time.GetUtcNow()));
            return true;
        }, ct);

    private async Task<MemberChange> ChangeAsync(Guid organizationId, string actorId, string memberId,
        Func<PortalDbContext, OrganizationMember, Task<bool>> change, CancellationToken ct)
    {
        await using var db = factory.CreateDbContext();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            if (!await MemberAccess.LockAsAdminAsync(db, organizationId, actorId, ct)) return MemberChange.NotAdmin;
            var member = await db.OrganizationMembers.AsNoTracking().FirstOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == memberId, ct);
            if (member is null) return MemberChange.NotFound;
            if (!await change(db, member)) return MemberChange.Unchanged;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return MemberChange.Done;
        }
        catch (Exception ex) when (LastAdminRule.IsViolation(ex))
        {
            await tx.RollbackAsync(CancellationToken.None);
            logger.LogInformation("Refused to leave organization {OrganizationId} without an admin", organizationId);
            return MemberChange.LastAdmin;
        }
    }
}
