using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Accounts;
using Portal.Audit;
using Portal.Branding;
using Portal.Data;
using Portal.Email;
using Portal.Marketplace;
using Portal.Marketplace.Landing;
using Portal.Onboarding;

namespace Portal.Organizations;

public enum LinkOutcome
{
    Linked, AlreadyLinkedHere, SubscriptionLinkedElsewhere, OrganizationBilledElsewhere, AccountAlreadyHasPayg, NotAdmin, ContractNotEntitled,
    WorkspaceNameTaken, NotReady,
}

public sealed record LinkResult(LinkOutcome Outcome, Guid? OrganizationId = null, Guid? WorkspaceId = null);

/// <summary>
/// "Link subscription": one transaction that creates what the buyer chose, claims the subscription for the
/// organization, and records the audit trail and the confirmation e-mail. The database's unique indexes and a
/// conditional update decide races; admin rights are checked inside the transaction, whatever the UI showed.
/// </summary>
public sealed class LinkService(
    IDbContextFactory<PortalDbContext> factory, UserManager<ApplicationUser> users, IEmailComposer composer, IEmailDelivery delivery,
    IOptions<OnboardingOptions> onboarding, IOptions<MarketplaceOptions> marketplace, IOptions<BrandOptions> brand, TimeProvider time,
    ILogger<LinkService> logger, Portal.Operations.PublicUrls urls, Portal.Operations.PortalMetrics metrics)
{
    public async Task<LinkResult> LinkAsync(Guid sessionId, string userId, CancellationToken ct = default)
    {
        var result = await LinkOnceAsync(sessionId, userId, userId, ct);
        metrics.Link(result.Outcome.ToString());
        return result;
    }

    /// <summary>
    /// An admin links a member's onboarding (the member asked them, see Members/LinkRequestService) to the admin's
    /// organization: the same transaction and rules as the member's own Link, with the admin's rights checked inside it.
    /// </summary>
    public async Task<LinkResult> LinkForMemberAsync(Guid sessionId, string memberUserId, string adminUserId, CancellationToken ct = default)
    {
        var result = await LinkOnceAsync(sessionId, memberUserId, adminUserId, ct);
        metrics.Link(result.Outcome.ToString());
        return result;
    }

    private async Task<LinkResult> LinkOnceAsync(Guid sessionId, string ownerUserId, string userId, CancellationToken ct)
    {
        await using var db = factory.CreateDbContext();
        var session = await db.OnboardingSessions.Include(s => s.Subscription).FirstOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session?.Subscription is not { } subscription || session.UserId != ownerUserId) return new(LinkOutcome.NotReady);
        if (session.Step == OnboardingStep.Linked && subscription.OrganizationId is { } done) return new(LinkOutcome.AlreadyLinkedHere, done);
        var data = OnboardingData.Parse(session.Data);
        if (session.Step != OnboardingStep.Review || data.Organization is null || data.Workspace is null) return new(LinkOutcome.NotReady);
        if (subscription.OrganizationId is not null) return new(LinkOutcome.SubscriptionLinkedElsewhere);
        var now = time.GetUtcNow();
        // A contract is linked only once AWS confirms it (an active entitlement), whatever the page showed.
        if (subscription.OfferType == Marketplace.Subscriptions.OfferType.Contract &&
            !await db.Entitlements.AnyAsync(e => e.SubscriptionId == subscription.Id && (e.ExpiresAt == null || e.ExpiresAt > now), ct))
            return new(LinkOutcome.ContractNotEntitled);

        var site = data.SiteId ?? onboarding.Value.Sites[0].Id;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            // The first statement of the transaction writes, so SQLite takes its write lock before reading anything.
            Organization organization;
            if (data.Organization.Mode == ChoiceMode.New)
            {
                organization = new Organization { Name = data.Organization.Name!.Trim(), CreatedAt = now };
                organization.Members.Add(new OrganizationMember { UserId = userId, Role = OrganizationRole.Admin, JoinedAt = now });
                db.Organizations.Add(organization);
                db.AuditEvents.Add(Audit("organization.created", subscription.Id, sessionId, userId, organization.Name, now));
                await db.SaveChangesAsync(ct);
            }
            else
            {
                // A guessed or replayed id of an organization that does not exist gets the same answer as one the
                // buyer does not administer, never an exception.
                var found = await db.Organizations.FirstOrDefaultAsync(o => o.Id == data.Organization.ExistingId, ct);
                if (found is null) return await FailAsync(tx, LinkOutcome.NotAdmin, ct);
                organization = found;
            }

            // Claim the subscription: of two browsers racing here, only one changes the row.
            var claimed = await db.Subscriptions.Where(s => s.Id == subscription.Id && s.OrganizationId == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.OrganizationId, organization.Id).SetProperty(s => s.LinkedAt, now)
                    .SetProperty(s => s.LinkedByUserId, userId).SetProperty(s => s.UpdatedAt, now), ct);
            if (claimed != 1) return await FailAsync(tx, LinkOutcome.SubscriptionLinkedElsewhere, ct);

            var isAdmin = await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == organization.Id && m.UserId == userId && m.Role == OrganizationRole.Admin, ct);
            if (!isAdmin) return await FailAsync(tx, LinkOutcome.NotAdmin, ct);

            Workspace workspace;
            if (data.Workspace.Mode == ChoiceMode.New)
            {
                workspace = new Workspace
                {
                    OrganizationId = organization.Id, Name = data.Workspace.Name!.Trim(), Site = site,
                    Language = data.Workspace.Language ?? onboarding.Value.WorkspaceLanguages[0].Code, CreatedAt = now,
                };
                db.Workspaces.Add(workspace);
                db.AuditEvents.Add(Audit("workspace.created", subscription.Id, sessionId, userId, workspace.Name, now));
            }
            else
            {
                var existing = await db.Workspaces.FirstOrDefaultAsync(w => w.Id == data.Workspace.ExistingId && w.OrganizationId == organization.Id, ct);
                if (existing is null) return await FailAsync(tx, LinkOutcome.NotReady, ct);
                workspace = existing;
                db.AuditEvents.Add(Audit("workspace.bound", subscription.Id, sessionId, userId, workspace.Name, now));
            }

            workspace.LinkedSubscriptionId = subscription.Id;
            data.LinkedOrganizationId = organization.Id;
            data.LinkedWorkspaceId = workspace.Id;
            session.Data = data.ToJson();
            session.Step = OnboardingStep.Linked;
            session.UpdatedAt = now;
            session.Version = Guid.NewGuid();
            db.AuditEvents.Add(Audit("subscription.linked", subscription.Id, sessionId, userId, $"organization {organization.Id}", now));
            var user = await users.FindByIdAsync(userId);
            db.EmailMessages.Add(composer.Compose(EmailKinds.SubscriptionLinked, user!.Email!, CultureInfo.CurrentUICulture, new Dictionary<string, string>
            {
                ["brand"] = brand.Value.Name, ["name"] = user.DisplayName ?? user.Email!, ["organization"] = organization.Name,
                ["product"] = marketplace.Value.FindProduct(subscription.ProductCode)?.Name ?? subscription.ProductCode,
                ["offer"] = subscription.OfferType.ToString(), ["account"] = LandingService.Mask(subscription.CustomerAwsAccountId),
                ["billingUrl"] = urls.Link($"organizations/{organization.Id}/billing"),
                ["workspaceUrl"] = urls.Link($"workspaces/{workspace.Id}"),
            }));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            delivery.Notify();
            logger.LogInformation("Subscription {SubscriptionId} linked to organization {OrganizationId}", subscription.Id, organization.Id);
            return new(LinkOutcome.Linked, organization.Id, workspace.Id);
        }
        catch (Exception ex) when (DbErrors.IsUniqueViolation(ex))
        {
            await tx.RollbackAsync(CancellationToken.None);
            // Which rule refused: SQLite names the columns, PostgreSQL the index.
            var message = (ex.InnerException ?? ex).Message;
            return new(message.Contains("Workspaces") ? LinkOutcome.WorkspaceNameTaken
                : message.Contains("OnePaygPerAccount") || message.Contains("CustomerAwsAccountId") ? LinkOutcome.AccountAlreadyHasPayg
                : LinkOutcome.OrganizationBilledElsewhere);
        }
    }

    private static async Task<LinkResult> FailAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, LinkOutcome outcome, CancellationToken ct)
    {
        await tx.RollbackAsync(ct);
        return new(outcome);
    }

    private static AuditEvent Audit(string type, Guid subscriptionId, Guid sessionId, string userId, string details, DateTimeOffset now) =>
        new() { Type = type, OccurredAt = now, SubscriptionId = subscriptionId, OnboardingSessionId = sessionId, Actor = userId, Details = details };
}
