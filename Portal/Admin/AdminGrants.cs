using System.Data;
using System.Data.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Accounts;
using Portal.Audit;
using Portal.Data;

namespace Portal.Admin;

public enum GrantResult { Granted, AlreadyAdmin, UnknownUser, NotVerified }

public enum RevokeResult { Revoked, NotAdmin, LastAdmin, Configured, Conflict }

public sealed record AdminUser(string UserId, string Email, string? Name, bool Configured);

/// <summary>
/// Who holds the VendorAdmin role. Configured e-mails get it whenever their verified account signs in and at
/// start-up; admins grant and revoke it for others. Every operation is idempotent and works on fresh contexts,
/// so a long-lived circuit never acts on a stale view of the role table.
/// </summary>
public sealed class AdminGrants(IDbContextFactory<PortalDbContext> factory, IOptionsMonitor<AdminOptions> options,
    TimeProvider time, ILogger<AdminGrants> logger)
{
    public const string GrantedEvent = "admin.granted";
    public const string RevokedEvent = "admin.revoked";

    /// <summary>Gives a verified account listed in <c>Admin:Emails</c> the role; true when it holds it afterwards.</summary>
    public async Task<bool> EnsureConfiguredAsync(ApplicationUser user, CancellationToken ct = default)
    {
        if (!user.EmailConfirmed || !options.CurrentValue.IsConfigured(user.Email)) return false;
        await using var db = factory.CreateDbContext();
        if (await AddRoleAsync(db, user.Id, ct))
        {
            db.AuditEvents.Add(Audit(GrantedEvent, "system", user.Email!));
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Granted {Role} to configured administrator {UserId}", AdminRoles.VendorAdmin, user.Id);
        }
        return true;
    }

    /// <summary>At start-up: the role exists, and every configured, verified account already registered holds it.</summary>
    public async Task EnsureAllConfiguredAsync(CancellationToken ct = default)
    {
        await using (var db = factory.CreateDbContext()) await RoleIdAsync(db, ct);
        var emails = options.CurrentValue.Emails.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim().ToUpperInvariant()).ToList();
        if (emails.Count == 0)
        {
            logger.LogWarning("Admin:Emails is empty: nobody can open the vendor console until an address is configured or granted");
            return;
        }
        List<ApplicationUser> users;
        await using (var db = factory.CreateDbContext())
            users = await db.Users.AsNoTracking().Where(u => emails.Contains(u.NormalizedEmail!)).ToListAsync(ct);
        foreach (var user in users) await EnsureConfiguredAsync(user, ct);
    }

    public async Task<IReadOnlyList<AdminUser>> ListAsync(CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var roleId = await RoleIdAsync(db, ct);
        var admins = await db.Users.AsNoTracking()
            .Where(u => db.UserRoles.Any(ur => ur.RoleId == roleId && ur.UserId == u.Id))
            .OrderBy(u => u.Email).Select(u => new { u.Id, u.Email, u.DisplayName }).ToListAsync(ct);
        return admins.Select(a => new AdminUser(a.Id, a.Email ?? "", a.DisplayName, options.CurrentValue.IsConfigured(a.Email))).ToList();
    }

    public async Task<GrantResult> GrantAsync(string email, string actorUserId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var normalized = email.Trim().ToUpperInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (user is null) return GrantResult.UnknownUser;
        // An unverified address could belong to anyone who typed it: never make it an admin.
        if (!user.EmailConfirmed) return GrantResult.NotVerified;
        if (!await AddRoleAsync(db, user.Id, ct)) return GrantResult.AlreadyAdmin;
        db.AuditEvents.Add(Audit(GrantedEvent, actorUserId, user.Email!));
        await db.SaveChangesAsync(ct);
        return GrantResult.Granted;
    }

    public async Task<RevokeResult> RevokeAsync(string userId, string actorUserId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return RevokeResult.NotAdmin;
        // Configuration would hand the role straight back at the next sign-in: say so instead of pretending.
        if (options.CurrentValue.IsConfigured(user.Email)) return RevokeResult.Configured;
        var roleId = await RoleIdAsync(db, ct);
        try
        {
            return await RevokeRoleAsync(db, roleId, user, actorUserId, ct);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            // The database refused one of two simultaneous revocations (serialization failure, busy): nothing changed.
            return RevokeResult.Conflict;
        }
    }

    // EF wraps the provider's error (in DbUpdateException, and in the execution strategy's own exception): look down the chain.
    private static bool IsTransient(Exception? ex) => ex is not null && (ex is DbException { IsTransient: true } || IsTransient(ex.InnerException));

    private async Task<RevokeResult> RevokeRoleAsync(PortalDbContext db, string roleId, ApplicationUser user, string actorUserId, CancellationToken ct)
    {
        var userId = user.Id;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            // Serializable: two admins revoking each other at once must not both see "another admin is left".
            await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);
            if (!await db.UserRoles.AnyAsync(ur => ur.RoleId == roleId && ur.UserId == userId, ct)) return RevokeResult.NotAdmin;
            if (await db.UserRoles.CountAsync(ur => ur.RoleId == roleId, ct) <= 1) return RevokeResult.LastAdmin;
            await db.UserRoles.Where(ur => ur.RoleId == roleId && ur.UserId == userId).ExecuteDeleteAsync(ct);
            db.AuditEvents.Add(Audit(RevokedEvent, actorUserId, user.Email!));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return RevokeResult.Revoked;
        });
    }

    /// <summary>Adds the role row; false when the user already had it (also when a concurrent call added it first).</summary>
    private static async Task<bool> AddRoleAsync(PortalDbContext db, string userId, CancellationToken ct)
    {
        var roleId = await RoleIdAsync(db, ct);
        if (await db.UserRoles.AnyAsync(ur => ur.RoleId == roleId && ur.UserId == userId, ct)) return false;
        db.UserRoles.Add(new IdentityUserRole<string> { RoleId = roleId, UserId = userId });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.UserRoles.AnyAsync(ur => ur.RoleId == roleId && ur.UserId == userId, ct)) return false;
            throw;
        }
    }

    private static async Task<string> RoleIdAsync(PortalDbContext db, CancellationToken ct)
    {
        var id = await db.Roles.Where(r => r.NormalizedName == AdminRoles.NormalizedVendorAdmin).Select(r => r.Id).FirstOrDefaultAsync(ct);
        if (id is not null) return id;
        db.Roles.Add(new IdentityRole(AdminRoles.VendorAdmin) { NormalizedName = AdminRoles.NormalizedVendorAdmin });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear(); // another instance created it at the same moment (unique RoleNameIndex)
        }
        return await db.Roles.Where(r => r.NormalizedName == AdminRoles.NormalizedVendorAdmin).Select(r => r.Id).FirstAsync(ct);
    }

    private AuditEvent Audit(string type, string actor, string email) =>
        new() { Type = type, OccurredAt = time.GetUtcNow(), Actor = actor, Details = email };
}

/// <summary>Signing in is when a configured address becomes an admin: right after e-mail verification or on any later sign-in.</summary>
internal sealed class AdminClaimsPrincipalFactory(UserManager<ApplicationUser> users, RoleManager<IdentityRole> roles,
    IOptions<IdentityOptions> identity, AdminGrants grants)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(users, roles, identity)
{
    protected override async Task<System.Security.Claims.ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        await grants.EnsureConfiguredAsync(user);
        return await base.GenerateClaimsAsync(user);
    }
}

/// <summary>Runs after the database migrator (hosted services start in registration order).</summary>
internal sealed class AdminBootstrapper(AdminGrants grants) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => grants.EnsureAllConfiguredAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
