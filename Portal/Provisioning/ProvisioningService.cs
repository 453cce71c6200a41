using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Accounts;
using Portal.Audit;
using Portal.Data;
using Portal.Organizations;

namespace Portal.Provisioning;

/// <summary>
/// Organizations, members and workspaces that exist outside AWS: brought in by the vendor's product (the API, by its
/// own external ids), made in the console, by direct sign-up, or seeded in Development. Every call validates first
/// and stores nothing on bad input; each write is one SaveChanges (one transaction). Repeats are idempotent, and
/// of two concurrent identical calls the unique indexes let one insert win: the loser retries and finds its row.
/// </summary>
/// <remarks>
/// A member whose e-mail has no account gets a user record without a password and with the address unverified. The
/// person claims it by "Forgot password" (the reset link proves the address and verifies it), or by registering,
/// which answers "account exists" by e-mail with the same reset link. No mail is sent by provisioning itself.
/// </remarks>
public sealed class ProvisioningService(
    IDbContextFactory<PortalDbContext> factory, ILookupNormalizer normalizer, TimeProvider time,
    IValidator<OrganizationRequest> organizationRules, IValidator<MemberRequest> memberRules,
    IValidator<WorkspaceRequest> workspaceRules, IValidator<NewOrganization> newOrganizationRules)
{
    private const int Attempts = 3;

    public async Task<ProvisionResult<OrganizationView>> PutOrganizationAsync(OrganizationRequest request, string actor, CancellationToken ct = default)
    {
        if (Errors(organizationRules.Validate(request)) is { } errors) return new(ProvisionStatus.Invalid, Errors: errors);
        var name = request.Name!.Trim();
        for (var attempt = 1; ; attempt++)
        {
            await using var db = factory.CreateDbContext();
            var now = time.GetUtcNow();
            var organization = await db.Organizations.FirstOrDefaultAsync(o => o.ExternalId == request.ExternalId, ct);
            var created = organization is null;
            if (organization is null)
            {
                organization = new Organization { Name = name, ExternalId = request.ExternalId, CreatedAt = now };
                db.Organizations.Add(organization);
                db.AuditEvents.Add(Audit("organization.provisioned", actor, now, $"organization {organization.Id} ({request.ExternalId}): {name}"));
            }
            else if (organization.Name != name)
            {
                db.AuditEvents.Add(Audit("organization.renamed", actor, now, $"organization {organization.Id}: {organization.Name} → {name}"));
                organization.Name = name;
            }
            if (!await TrySaveAsync(db, attempt, ct)) continue;
            return new(created ? ProvisionStatus.Created : ProvisionStatus.Updated, await ViewAsync(db, organization.Id, ct));
        }
    }

    public async Task<ProvisionResult<MemberView>> PutMemberAsync(MemberRequest request, string actor, CancellationToken ct = default)
    {
        if (Errors(memberRules.Validate(request)) is { } errors) return new(ProvisionStatus.Invalid, Errors: errors);
        ProvisioningRules.TryRole(request.Role, out var role);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = factory.CreateDbContext();
            var organizationId = await db.Organizations.Where(o => o.ExternalId == request.OrganizationExternalId).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
            if (organizationId is null) return new(ProvisionStatus.NotFound, Code: "organization-not-found");
            // No explicit transaction: on SQLite a read-then-write transaction loses to a concurrent writer with
            // SQLITE_BUSY; the one SaveChanges is atomic. The last-admin rule itself belongs to the database (members).
            var staged = await StageMemberAsync(db, organizationId.Value, request.Email, role, request.Name, actor, ct);
            if (staged.Conflict is not null) return new(ProvisionStatus.Conflict, Code: staged.Conflict);
            if (!await TrySaveAsync(db, attempt, ct)) continue;
            return new(staged.Created ? ProvisionStatus.Created : ProvisionStatus.Updated, staged.View);
        }
    }

    public async Task<ProvisionResult<WorkspaceView>> PutWorkspaceAsync(WorkspaceRequest request, string actor, CancellationToken ct = default)
    {
        if (Errors(workspaceRules.Validate(request)) is { } errors) return new(ProvisionStatus.Invalid, Errors: errors);
        var name = request.Name!.Trim();
        for (var attempt = 1; ; attempt++)
        {
            await using var db = factory.CreateDbContext();
            var organizationId = await db.Organizations.Where(o => o.ExternalId == request.OrganizationExternalId).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
            if (organizationId is null) return new(ProvisionStatus.NotFound, Code: "organization-not-found");
            var now = time.GetUtcNow();
            var workspace = await db.Workspaces.FirstOrDefaultAsync(w => w.OrganizationId == organizationId && w.ExternalId == request.ExternalId, ct);
            var created = workspace is null;
            if (workspace is null)
            {
                workspace = new Workspace
                {
                    OrganizationId = organizationId.Value, ExternalId = request.ExternalId, Name = name, Site = request.Site!, Language = request.Language!, CreatedAt = now,
                };
                db.Workspaces.Add(workspace);
                db.AuditEvents.Add(Audit("workspace.provisioned", actor, now, $"organization {organizationId}: workspace {workspace.Id} ({request.ExternalId}) {name}, {workspace.Site}, {workspace.Language}"));
            }
            else if (workspace.Site != request.Site || workspace.Language != request.Language)
                // The guides fix a workspace's site and language at creation; a different value is the caller's mistake.
                return new(ProvisionStatus.Conflict, Code: "workspace-site-fixed");
            else if (workspace.Name != name)
            {
                db.AuditEvents.Add(Audit("workspace.renamed", actor, now, $"workspace {workspace.Id}: {workspace.Name} → {name}"));
                workspace.Name = name;
            }
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // First time: maybe a concurrent twin inserted this external id; the retry finds and updates it.
                // Again: the other unique rule, another workspace of the organization already has this name.
                if (attempt < Attempts && created) continue;
                return new(ProvisionStatus.Conflict, Code: "workspace-name-taken");
            }
            return new(created ? ProvisionStatus.Created : ProvisionStatus.Updated, ToView(workspace));
        }
    }

    /// <summary>Creates an organization with its first admin (and first workspace) in one transaction: console and sign-up.</summary>
    /// <param name="firstAdmin">
    /// How the first admin is added, instead of naming them a member at once (the API's way): the console invites
    /// them. Called with the new organization inside the same unit of work.
    /// </param>
    public async Task<ProvisionResult<OrganizationView>> CreateOrganizationAsync(NewOrganization request, string actor, CancellationToken ct = default,
        Func<PortalDbContext, Organization, Task>? firstAdmin = null)
    {
        if (Errors(newOrganizationRules.Validate(request)) is { } errors) return new(ProvisionStatus.Invalid, Errors: errors);
        var externalId = string.IsNullOrEmpty(request.ExternalId) ? null : request.ExternalId;
        for (var attempt = 1; ; attempt++)
        {
            await using var db = factory.CreateDbContext();
            var now = time.GetUtcNow();
            var organization = new Organization { Name = request.Name!.Trim(), ExternalId = externalId, CreatedAt = now };
            db.Organizations.Add(organization);
            db.AuditEvents.Add(Audit("organization.created", actor, now, $"organization {organization.Id}{(externalId is null ? "" : $" ({externalId})")}: {organization.Name}"));
            if (request.Workspace is { } w)
            {
                db.Workspaces.Add(new Workspace { OrganizationId = organization.Id, Name = w.Name!.Trim(), Site = w.Site!, Language = w.Language!, CreatedAt = now });
                db.AuditEvents.Add(Audit("workspace.created", actor, now, $"organization {organization.Id}: {w.Name!.Trim()}, {w.Site}, {w.Language}"));
            }
            if (firstAdmin is null) await StageMemberAsync(db, organization.Id, request.AdminEmail!, OrganizationRole.Admin, request.AdminName, actor, ct);
            else await firstAdmin(db, organization);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // The external id belongs to another organization, or a user record for the e-mail was made meanwhile.
                if (externalId is not null && await ExternalIdTakenAsync(externalId, ct)) return new(ProvisionStatus.Conflict, Code: "external-id-taken");
                if (attempt < Attempts) continue;
                throw;
            }
            return new(ProvisionStatus.Created, await ViewAsync(db, organization.Id, ct));
        }
    }

    public async Task<OrganizationView?> GetAsync(string externalId, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(externalId) || externalId.Length > ProvisioningRules.MaxExternalId) return null;
        await using var db = factory.CreateDbContext();
        var id = await db.Organizations.Where(o => o.ExternalId == externalId).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
        return id is null ? null : await ViewAsync(db, id.Value, ct);
    }

    /// <summary>Every organization, those made by AWS linking and sign-up too, oldest first.</summary>
    public async Task<(IReadOnlyList<OrganizationSummary> Items, int Total)> ListAsync(int offset, int limit, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var total = await db.Organizations.CountAsync(ct);
        var items = await db.Organizations.AsNoTracking().OrderBy(o => o.CreatedAt).ThenBy(o => o.Id).Skip(offset).Take(limit)
            .Select(o => new OrganizationSummary(o.Id, o.ExternalId, o.Name, o.CreatedAt, db.Subscriptions.Any(s => s.OrganizationId == o.Id)))
            .ToListAsync(ct);
        return (items, total);
    }

    private sealed record StagedMember(bool Created, MemberView? View, string? Conflict = null);

    /// <summary>Adds the member (and a user record for an unknown e-mail) to <paramref name="db"/>'s changes; saving is the caller's.</summary>
    private async Task<StagedMember> StageMemberAsync(PortalDbContext db, Guid organizationId, string email, OrganizationRole role, string? name,
        string actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var address = email.Trim();
        var normalized = normalizer.NormalizeEmail(address);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (user is null)
        {
            user = new ApplicationUser
            {
                UserName = address, NormalizedUserName = normalizer.NormalizeName(address), Email = address, NormalizedEmail = normalized,
                DisplayName = string.IsNullOrWhiteSpace(name) ? null : name.Trim(), EmailConfirmed = false, LockoutEnabled = true, CreatedAt = now,
                // Identity refuses to make a reset token without a stamp: the reset link is how the person claims the account.
                SecurityStamp = Guid.NewGuid().ToString("N"), ConcurrencyStamp = Guid.NewGuid().ToString(),
            };
            db.Users.Add(user);
            db.AuditEvents.Add(Audit("user.provisioned", actor, now, $"user {user.Id} (unclaimed)"));
        }
        var member = await db.OrganizationMembers.FirstOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == user.Id, ct);
        var created = member is null;
        if (member is null)
        {
            member = new OrganizationMember { OrganizationId = organizationId, UserId = user.Id, Role = role, JoinedAt = now };
            db.OrganizationMembers.Add(member);
            db.AuditEvents.Add(Audit("member.added", actor, now, $"organization {organizationId}: user {user.Id} as {role}"));
        }
        else if (member.Role != role)
        {
            if (member.Role == OrganizationRole.Admin &&
                !await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == organizationId && m.UserId != user.Id && m.Role == OrganizationRole.Admin, ct))
                return new(false, null, "last-admin");
            db.AuditEvents.Add(Audit("member.role-changed", actor, now, $"organization {organizationId}: user {user.Id} {member.Role} → {role}"));
            member.Role = role;
        }
        return new(created, new MemberView(user.Email!, member.Role.ToString(), user.PasswordHash is not null, member.JoinedAt));
    }

    private static async Task<bool> TrySaveAsync(PortalDbContext db, int attempt, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        // A concurrent twin inserted the same row first: the caller retries, now finding it.
        catch (DbUpdateException ex) when (attempt < Attempts && DbErrors.IsUniqueViolation(ex))
        {
            return false;
        }
    }

    private async Task<bool> ExternalIdTakenAsync(string externalId, CancellationToken ct)
    {
        await using var db = factory.CreateDbContext();
        return await db.Organizations.AnyAsync(o => o.ExternalId == externalId, ct);
    }

    private static async Task<OrganizationView> ViewAsync(PortalDbContext db, Guid id, CancellationToken ct)
    {
        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == id, ct);
        var members = await (from m in db.OrganizationMembers
                             join u in db.Users on m.UserId equals u.Id
                             where m.OrganizationId == id
                             select new { u.Email, m.Role, Claimed = u.PasswordHash != null, m.JoinedAt }).ToListAsync(ct);
        var workspaces = await db.Workspaces.AsNoTracking().Where(w => w.OrganizationId == id).ToListAsync(ct);
        var billed = await db.Subscriptions.AnyAsync(s => s.OrganizationId == id, ct);
        return new OrganizationView(organization.Id, organization.ExternalId, organization.Name, organization.CreatedAt, billed,
            [.. members.OrderBy(m => m.Email, StringComparer.OrdinalIgnoreCase).Select(m => new MemberView(m.Email!, m.Role.ToString(), m.Claimed, m.JoinedAt))],
            [.. workspaces.OrderBy(w => w.CreatedAt).ThenBy(w => w.Name).Select(ToView)]);
    }

    private static WorkspaceView ToView(Workspace w) => new(w.Id, w.ExternalId, w.Name, w.Site, w.Language, w.CreatedAt);

    private static Dictionary<string, string[]>? Errors(FluentValidation.Results.ValidationResult result) =>
        result.IsValid ? null : result.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());

    private static AuditEvent Audit(string type, string actor, DateTimeOffset now, string details) =>
        new() { Type = type, OccurredAt = now, Actor = actor, Details = details };
}
