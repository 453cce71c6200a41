using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;
using Portal.Organizations.Members;

namespace Portal.Organizations.Home;

public enum RequestedLinkState { Open, AlreadyLinked, Gone }

/// <summary>A member's request that this organization's admin link their AWS subscription, as the admin sees it.</summary>
public sealed record RequestedLinkView(
    RequestedLinkState State, MarketplaceSubscription? Subscription = null, string? Member = null, string? Site = null,
    IReadOnlyList<Workspace>? Bindable = null, Guid? SessionId = null, string? MemberUserId = null);

/// <summary>
/// "Please link this subscription": a member reached the link step of an organization they are not an admin of and
/// asked its admins (<see cref="LinkRequestService"/>). An admin opens the request, picks the workspace, and links
/// the member's onboarding exactly as the member's own Link would, with the admin's rights checked in the transaction.
/// </summary>
public sealed class RequestedLinks(IDbContextFactory<PortalDbContext> factory, LinkService linker, IOptions<OnboardingOptions> onboarding, TimeProvider time)
{
    public async Task<RequestedLinkView> FindAsync(Guid organizationId, Guid subscriptionId, string adminUserId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var isAdmin = await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == adminUserId && m.Role == OrganizationRole.Admin, ct);
        var request = isAdmin ? await db.Set<LinkRequest>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.OrganizationId == organizationId && r.SubscriptionId == subscriptionId, ct) : null;
        var subscription = request is null ? null : await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionId, ct);
        if (request is null || subscription is null) return new(RequestedLinkState.Gone);
        if (subscription.OrganizationId is not null)
            return new(subscription.OrganizationId == organizationId ? RequestedLinkState.AlreadyLinked : RequestedLinkState.Gone, subscription);
        // The member's onboarding of that subscription that got furthest (they may have several browsers).
        var sessions = await db.OnboardingSessions.AsNoTracking().Where(s => s.UserId == request.UserId && s.SubscriptionId == subscriptionId).ToListAsync(ct);
        var session = sessions.OrderByDescending(s => s.Step).ThenByDescending(s => s.UpdatedAt).FirstOrDefault();
        if (session is null || session.Step < OnboardingStep.Organization || session.Step == OnboardingStep.Linked) return new(RequestedLinkState.Gone, subscription);
        var member = await db.Users.Where(u => u.Id == request.UserId).Select(u => new { u.DisplayName, u.Email }).SingleAsync(ct);
        var site = OnboardingData.Parse(session.Data).SiteId ?? onboarding.Value.Sites[0].Id;
        var bindable = await db.Workspaces.AsNoTracking().Where(w => w.OrganizationId == organizationId && w.Site == site).OrderBy(w => w.Name).ToListAsync(ct);
        return new(RequestedLinkState.Open, subscription, member.DisplayName is { Length: > 0 } n ? $"{n} ({member.Email})" : member.Email, site,
            bindable, session.Id, request.UserId);
    }

    public async Task<LinkResult> LinkAsync(Guid organizationId, Guid subscriptionId, string adminUserId, WorkspaceChoice workspace,
        CancellationToken ct = default)
    {
        var view = await FindAsync(organizationId, subscriptionId, adminUserId, ct);
        if (view.State == RequestedLinkState.AlreadyLinked) return new(LinkOutcome.AlreadyLinkedHere, organizationId);
        if (view.State != RequestedLinkState.Open) return new(LinkOutcome.NotReady);
        if (workspace.Mode == ChoiceMode.Existing && view.Bindable!.All(w => w.Id != workspace.ExistingId)) return new(LinkOutcome.NotReady);

        // Put the admin's choices on the member's onboarding and bring it to the review, then link it; if the link is
        // refused, the member's onboarding goes back to where it was, so nothing is half done.
        await using var db = factory.CreateDbContext();
        var session = await db.OnboardingSessions.FirstAsync(s => s.Id == view.SessionId, ct);
        var (step, data, version) = (session.Step, session.Data, session.Version);
        var answers = OnboardingData.Parse(session.Data);
        var name = await db.Organizations.Where(o => o.Id == organizationId).Select(o => o.Name).SingleAsync(ct);
        answers.Organization = new OrganizationChoice { Mode = ChoiceMode.Existing, ExistingId = organizationId, Name = name };
        answers.Workspace = workspace;
        session.Data = answers.ToJson();
        session.Step = OnboardingStep.Review;
        session.UpdatedAt = time.GetUtcNow();
        session.Version = Guid.NewGuid();
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return new(LinkOutcome.NotReady); } // the member moved on meanwhile

        var result = await linker.LinkForMemberAsync(session.Id, view.MemberUserId!, adminUserId, ct);
        if (result.Outcome is not (LinkOutcome.Linked or LinkOutcome.AlreadyLinkedHere))
            await db.OnboardingSessions.Where(s => s.Id == session.Id && s.Version == session.Version)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Step, step).SetProperty(s => s.Data, data).SetProperty(s => s.Version, version), ct);
        return result;
    }
}
