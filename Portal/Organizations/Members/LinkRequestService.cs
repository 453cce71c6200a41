using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Email;
using Portal.Marketplace;
using Portal.Marketplace.Landing;

namespace Portal.Organizations.Members;

public enum LinkRequestOutcome { Sent, TooSoon, NotAllowed }

/// <summary>An admin as a member who cannot link sees it: a name and a masked address.</summary>
public sealed record AdminContact(string? Name, string MaskedEmail);

public sealed record LinkRequestResult(LinkRequestOutcome Outcome, int Recipients = 0, DateTimeOffset? NextAllowedAt = null);

/// <summary>
/// "Ask an admin to link": a member who reaches the link step with a subscription sees the organization's admins
/// (masked) and can e-mail them all, once per member and subscription per cooldown (Members:LinkRequestCooldown).
/// Only for the person whose onboarding holds that subscription, while it is not linked yet.
/// </summary>
public sealed class LinkRequestService(
    IDbContextFactory<PortalDbContext> factory, IEmailComposer composer, IEmailDelivery delivery, IOptions<MembersOptions> options,
    IOptions<MarketplaceOptions> marketplace, TimeProvider time, Portal.Operations.PublicUrls urls)
{
    /// <summary>The admins to ask; null when the request is not allowed (not a member, not this person's subscription).</summary>
    public async Task<IReadOnlyList<AdminContact>?> AdminsAsync(Guid organizationId, string? userId, Guid subscriptionId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        if (!await AllowedAsync(db, organizationId, userId, subscriptionId, ct)) return null;
        return (await AdminUsers(db, organizationId).Select(u => new { u.DisplayName, u.Email }).ToListAsync(ct))
            // A "name" that is an address would undo the mask: such names are left out.
            .Select(u => new AdminContact(u.DisplayName?.Contains('@') == true ? null : u.DisplayName, MemberAudit.MaskEmail(u.Email)))
            .OrderBy(a => a.MaskedEmail, StringComparer.Ordinal).ToList();
    }

    public async Task<LinkRequestResult> AskAsync(Guid organizationId, string? userId, Guid subscriptionId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var cooldown = options.Value.LinkRequestCooldown;
        await using var db = factory.CreateDbContext();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Write first (SQLite's lock before any read); the conditional update lets one of two clicks through.
        var due = now - cooldown;
        var moved = await db.Set<LinkRequest>().Where(r => r.UserId == userId && r.SubscriptionId == subscriptionId && r.LastSentAt <= due)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.LastSentAt, now), ct);
        if (!await AllowedAsync(db, organizationId, userId, subscriptionId, ct)) return new(LinkRequestOutcome.NotAllowed);
        if (moved == 0)
        {
            var last = await db.Set<LinkRequest>().Where(r => r.UserId == userId && r.SubscriptionId == subscriptionId)
                .Select(r => (DateTimeOffset?)r.LastSentAt).FirstOrDefaultAsync(ct);
            if (last is { } sent) return new(LinkRequestOutcome.TooSoon, NextAllowedAt: sent + cooldown);
            db.Set<LinkRequest>().Add(new LinkRequest { OrganizationId = organizationId, SubscriptionId = subscriptionId, UserId = userId!, LastSentAt = now });
        }
        var member = await db.Users.Where(u => u.Id == userId).Select(u => new { u.DisplayName, u.Email }).SingleAsync(ct);
        var organization = await db.Organizations.Where(o => o.Id == organizationId).Select(o => o.Name).SingleAsync(ct);
        var subscription = await db.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == subscriptionId, ct);
        var admins = await AdminUsers(db, organizationId).Select(u => new { u.DisplayName, u.Email }).ToListAsync(ct);
        foreach (var admin in admins.Where(a => !string.IsNullOrEmpty(a.Email)))
            db.EmailMessages.Add(composer.Compose(MemberEmails.LinkRequest, admin.Email!, CultureInfo.CurrentUICulture, new Dictionary<string, string>
            {
                ["name"] = admin.DisplayName ?? admin.Email!, ["member"] = member.DisplayName is { } n ? $"{n} <{member.Email}>" : member.Email ?? "",
                ["organization"] = organization,
                ["product"] = marketplace.Value.FindProduct(subscription.ProductCode)?.Name ?? subscription.ProductCode,
                ["account"] = LandingService.Mask(subscription.CustomerAwsAccountId),
                ["link"] = MemberLinks.LinkRequest(urls, organizationId, subscriptionId),
            }));
        db.AuditEvents.Add(MemberAudit.Event(MemberAudit.LinkRequested, organizationId, userId!, $"{admins.Count} admin(s) asked", now, subscriptionId));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return new(LinkRequestOutcome.TooSoon, NextAllowedAt: now + cooldown); // the other click of a double click
        }
        await tx.CommitAsync(ct);
        delivery.Notify();
        return new(LinkRequestOutcome.Sent, admins.Count);
    }

    // A member (not an admin: an admin links it) of the organization, whose own onboarding holds the subscription,
    // which no organization bills yet. Anything else (a guessed id, another person's subscription) is refused alike.
    private static async Task<bool> AllowedAsync(PortalDbContext db, Guid organizationId, string? userId, Guid subscriptionId, CancellationToken ct) =>
        !string.IsNullOrEmpty(userId)
        && await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == userId && m.Role == OrganizationRole.Member, ct)
        && await db.OnboardingSessions.AnyAsync(s => s.SubscriptionId == subscriptionId && s.UserId == userId, ct)
        && await db.Subscriptions.AnyAsync(s => s.Id == subscriptionId && s.OrganizationId == null, ct);

    private static IQueryable<Accounts.ApplicationUser> AdminUsers(PortalDbContext db, Guid organizationId) =>
        db.Users.Where(u => db.OrganizationMembers.Any(m => m.OrganizationId == organizationId && m.UserId == u.Id && m.Role == OrganizationRole.Admin));
}
