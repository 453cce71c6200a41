using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Portal.Accounts;
using Portal.Data;
using Portal.Email;
using Portal.Localization;

namespace Portal.Organizations.Members;

public enum InviteOutcome { Sent, NotAdmin, AlreadyMember, AlreadyInvited, NotFound }

public enum AcceptOutcome { Joined, AlreadyMember, Invalid, Expired, WrongAccount, Unverified }

public enum InvitationState { Open, Expired, Used }

public sealed record InvitationPreview(Guid OrganizationId, string OrganizationName, string Email, OrganizationRole Role, string InvitedBy, InvitationState State);

/// <summary>
/// Invitations by e-mail: an admin invites (or re-sends, or revokes); the invitee accepts with the single-use link.
/// Admin rights are read from the database inside each transaction, whatever the page showed.
/// </summary>
public sealed class InvitationService(
    IDbContextFactory<PortalDbContext> factory, UserManager<ApplicationUser> users, IEmailComposer composer, IEmailDelivery delivery,
    IStringLocalizer<SharedResources> l, IOptions<MembersOptions> options, TimeProvider time, ILogger<InvitationService> logger,
    Portal.Operations.PublicUrls urls)
{
    public async Task<InviteOutcome> InviteAsync(Guid organizationId, string actorId, string email, OrganizationRole role, CancellationToken ct = default)
    {
        email = email.Trim();
        var normalized = users.NormalizeEmail(email);
        var now = time.GetUtcNow();
        await using var db = factory.CreateDbContext();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await MemberAccess.LockAsAdminAsync(db, organizationId, actorId, ct)) return InviteOutcome.NotAdmin;
        if (await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == organizationId &&
                db.Users.Any(u => u.Id == m.UserId && u.NormalizedEmail == normalized), ct))
            return InviteOutcome.AlreadyMember;
        var token = NewToken();
        var invitation = new OrganizationInvitation
        {
            OrganizationId = organizationId, Email = email, NormalizedEmail = normalized, Role = role, TokenHash = AccountService.Hash(token),
            InvitedByUserId = actorId, CreatedAt = now, SentAt = now, ExpiresAt = now.Add(options.Value.InvitationLifetime),
        };
        db.Set<OrganizationInvitation>().Add(invitation);
        db.AuditEvents.Add(MemberAudit.Event(MemberAudit.Invited, organizationId, actorId, $"{email} as {role}", now));
        db.EmailMessages.Add(await ComposeAsync(db, invitation, actorId, token, ct));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return InviteOutcome.AlreadyInvited; // another admin invited the same address a moment ago
        }
        await tx.CommitAsync(ct);
        delivery.Notify();
        logger.LogInformation("Invitation {InvitationId} to organization {OrganizationId} sent", invitation.Id, organizationId);
        return InviteOutcome.Sent;
    }

    /// <summary>
    /// The first admin of an organization the vendor creates in the console: an Admin invitation, its audit line and
    /// its e-mail, added to <paramref name="db"/>'s changes with the organization itself (one SaveChanges, so there
    /// is never an organization whose invitation was lost). The vendor admin is the inviter; the person becomes an
    /// admin only by accepting with the address, as any invitee. Call <see cref="IEmailDelivery.Notify"/> after saving.
    /// </summary>
    public async Task StageFirstAdminAsync(PortalDbContext db, Guid organizationId, string organizationName, string email, string vendorAdminId,
        CancellationToken ct = default)
    {
        email = email.Trim();
        var now = time.GetUtcNow();
        var token = NewToken();
        var invitation = new OrganizationInvitation
        {
            OrganizationId = organizationId, Email = email, NormalizedEmail = users.NormalizeEmail(email), Role = OrganizationRole.Admin,
            TokenHash = AccountService.Hash(token), InvitedByUserId = vendorAdminId, CreatedAt = now, SentAt = now,
            ExpiresAt = now.Add(options.Value.InvitationLifetime),
        };
        db.Set<OrganizationInvitation>().Add(invitation);
        db.AuditEvents.Add(MemberAudit.Event(MemberAudit.Invited, organizationId, vendorAdminId, $"{email} as {OrganizationRole.Admin} (first admin, by the vendor)", now));
        db.EmailMessages.Add(await ComposeAsync(db, invitation, vendorAdminId, token, ct, organizationName));
    }

    /// <summary>Sends a new link and a new lifetime; the old link stops working (its hash is replaced).</summary>
    public async Task<InviteOutcome> ResendAsync(Guid organizationId, string actorId, Guid invitationId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var token = NewToken();
        await using var db = factory.CreateDbContext();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await MemberAccess.LockAsAdminAsync(db, organizationId, actorId, ct)) return InviteOutcome.NotAdmin;
        var updated = await Open(db, organizationId, invitationId).ExecuteUpdateAsync(u => u.SetProperty(i => i.TokenHash, AccountService.Hash(token))
            .SetProperty(i => i.SentAt, now).SetProperty(i => i.ExpiresAt, now.Add(options.Value.InvitationLifetime)), ct);
        if (updated != 1) return InviteOutcome.NotFound;
        var invitation = await db.Set<OrganizationInvitation>().AsNoTracking().SingleAsync(i => i.Id == invitationId, ct);
        db.AuditEvents.Add(MemberAudit.Event(MemberAudit.InvitationResent, organizationId, actorId, invitation.Email, now));
        db.EmailMessages.Add(await ComposeAsync(db, invitation, actorId, token, ct));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        delivery.Notify();
        return InviteOutcome.Sent;
    }

    public async Task<InviteOutcome> RevokeAsync(Guid organizationId, string actorId, Guid invitationId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = factory.CreateDbContext();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await MemberAccess.LockAsAdminAsync(db, organizationId, actorId, ct)) return InviteOutcome.NotAdmin;
        var email = await Open(db, organizationId, invitationId).Select(i => i.Email).FirstOrDefaultAsync(ct);
        if (email is null || await Open(db, organizationId, invitationId).ExecuteUpdateAsync(u => u.SetProperty(i => i.RevokedAt, now), ct) != 1)
            return InviteOutcome.NotFound;
        db.AuditEvents.Add(MemberAudit.Event(MemberAudit.InvitationRevoked, organizationId, actorId, email, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return InviteOutcome.Sent;
    }

    /// <summary>What the link offers, for the acceptance page; null for an unknown (or replaced, or revoked) token.</summary>
    public async Task<InvitationPreview?> PreviewAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200) return null;
        var hash = AccountService.Hash(token);
        await using var db = factory.CreateDbContext();
        var row = await (from i in db.Set<OrganizationInvitation>()
                         join o in db.Organizations on i.OrganizationId equals o.Id
                         where i.TokenHash == hash && i.RevokedAt == null
                         select new { i, o.Name, By = db.Users.Where(u => u.Id == i.InvitedByUserId).Select(u => u.DisplayName ?? u.Email).FirstOrDefault() })
            .AsNoTracking().FirstOrDefaultAsync(ct);
        if (row is null) return null;
        var state = row.i.AcceptedAt is not null ? InvitationState.Used : row.i.ExpiresAt <= time.GetUtcNow() ? InvitationState.Expired : InvitationState.Open;
        return new(row.i.OrganizationId, row.Name, row.i.Email, row.i.Role, row.By ?? "", state);
    }

    /// <summary>
    /// Adds the signed-in, verified person whose address the invitation names. The conditional update is the
    /// single-use check: of two tabs accepting at once, one joins and the other is told the link was used.
    /// </summary>
    public async Task<(AcceptOutcome Outcome, Guid? OrganizationId)> AcceptAsync(string? token, string userId, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200) return (AcceptOutcome.Invalid, null);
        var hash = AccountService.Hash(token);
        var now = time.GetUtcNow();
        var user = await users.FindByIdAsync(userId);
        await using var db = factory.CreateDbContext();
        var invitation = await db.Set<OrganizationInvitation>().AsNoTracking().FirstOrDefaultAsync(i => i.TokenHash == hash && i.RevokedAt == null, ct);
        if (invitation is null || invitation.AcceptedAt is not null) return (AcceptOutcome.Invalid, null);
        if (invitation.ExpiresAt <= now) return (AcceptOutcome.Expired, null);
        if (user is null || user.NormalizedEmail != invitation.NormalizedEmail) return (AcceptOutcome.WrongAccount, null);
        if (!user.EmailConfirmed) return (AcceptOutcome.Unverified, null);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.Set<OrganizationInvitation>()
            .Where(i => i.Id == invitation.Id && i.TokenHash == hash && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedByUserId, userId), ct);
        if (taken != 1) return (AcceptOutcome.Invalid, null);
        var already = await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == invitation.OrganizationId && m.UserId == userId, ct);
        if (!already)
            db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = invitation.OrganizationId, UserId = userId, Role = invitation.Role, JoinedAt = now });
        db.AuditEvents.Add(MemberAudit.Event(MemberAudit.InvitationAccepted, invitation.OrganizationId, userId,
            already ? $"{invitation.Email} (already a member)" : $"{invitation.Email} joined as {invitation.Role}", now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (already ? AcceptOutcome.AlreadyMember : AcceptOutcome.Joined, invitation.OrganizationId);
    }

    private static IQueryable<OrganizationInvitation> Open(PortalDbContext db, Guid organizationId, Guid invitationId) =>
        db.Set<OrganizationInvitation>().Where(i => i.Id == invitationId && i.OrganizationId == organizationId && i.AcceptedAt == null && i.RevokedAt == null);

    private async Task<EmailMessage> ComposeAsync(PortalDbContext db, OrganizationInvitation invitation, string actorId, string token, CancellationToken ct,
        string? organizationName = null)
    {
        var organization = organizationName ?? await db.Organizations.Where(o => o.Id == invitation.OrganizationId).Select(o => o.Name).SingleAsync(ct);
        var inviter = await db.Users.Where(u => u.Id == actorId).Select(u => u.DisplayName ?? u.Email).SingleAsync(ct);
        return composer.Compose(MemberEmails.Invitation, invitation.Email, CultureInfo.CurrentUICulture, new Dictionary<string, string>
        {
            ["organization"] = organization, ["inviter"] = inviter ?? "", ["role"] = l[$"Members.Role.{invitation.Role}"],
            ["link"] = MemberLinks.Invitation(urls, token),
            ["days"] = Math.Max(1, (int)Math.Round(options.Value.InvitationLifetime.TotalDays)).ToString(CultureInfo.CurrentCulture),
        });
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
