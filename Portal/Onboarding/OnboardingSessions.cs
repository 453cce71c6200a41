using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Accounts;
using Portal.Data;

namespace Portal.Onboarding;

/// <summary>Finds the browser's session from its cookie and moves it on, checking the concurrency token.</summary>
public sealed class OnboardingSessions(IDbContextFactory<PortalDbContext> factory, OnboardingCookie cookie,
    IHttpContextAccessor accessor, UserManager<ApplicationUser> users, IOptions<OnboardingOptions> options, TimeProvider time)
{
    public async Task<OnboardingSession?> FindAsync(Guid? id, CancellationToken ct = default)
    {
        if (id is null) return null;
        await using var db = factory.CreateDbContext();
        return await db.OnboardingSessions.AsNoTracking().Include(s => s.Subscription).FirstOrDefaultAsync(s => s.Id == id, ct);
    }

    /// <summary>
    /// The same buyer's session for the same subscription that got furthest, e.g. one started on another device:
    /// signing in on a second device continues there instead of starting over.
    /// </summary>
    public async Task<OnboardingSession?> FurthestForUserAsync(string userId, Guid subscriptionId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var candidates = await db.OnboardingSessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.SubscriptionId == subscriptionId).ToListAsync(ct);
        return candidates.OrderByDescending(s => s.Step).ThenByDescending(s => s.UpdatedAt).FirstOrDefault();
    }

    /// <summary>What the transition guards need to know about this session and its user right now.</summary>
    public async Task<FlowContext> ContextAsync(OnboardingSession session, string? signedInUserId)
    {
        var user = session.UserId is { } id ? await users.FindByIdAsync(id) : null;
        var contract = session.Subscription?.OfferType == Marketplace.Subscriptions.OfferType.Contract;
        var now = time.GetUtcNow();
        await using var db = factory.CreateDbContext();
        var entitled = !contract || await db.Entitlements.AnyAsync(e => e.SubscriptionId == session.SubscriptionId && (e.ExpiresAt == null || e.ExpiresAt > now));
        return new FlowContext(
            SignedIn: user is not null && user.Id == signedInUserId,
            EmailVerified: user?.EmailConfirmed == true,
            NewUser: user is not null && user.CreatedAt >= session.CreatedAt,
            MultipleSites: options.Value.Sites.Count > 1,
            Contract: session.Subscription?.OfferType == Marketplace.Subscriptions.OfferType.Contract,
            ContractMayUseExistingOrganization: options.Value.ContractMayUseExistingOrganization,
            ContractEntitled: entitled,
            ExistingOrganizationChosen: OnboardingData.Parse(session.Data).Organization?.Mode == ChoiceMode.Existing);
    }

    /// <summary>
    /// Ties the session to the user who registered or signed in. A session already past the account step
    /// belongs to its user for good: another account cannot take it over.
    /// </summary>
    public async Task<OnboardingSession?> BindUserAsync(Guid sessionId, string userId, CancellationToken ct = default)
    {
        await using var db = factory.CreateDbContext();
        var session = await db.OnboardingSessions.Include(s => s.Subscription).FirstOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null) return null;
        if (session.UserId == userId) return session;
        if (session.UserId is not null && session.Step > OnboardingStep.VerifyEmail) return null;
        session.UserId = userId;
        session.UpdatedAt = time.GetUtcNow();
        session.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return session;
    }

    /// <summary>
    /// "Use a different e-mail address or sign in" on the verification step: back to the account step, unbound from
    /// the unverified user, without the pending registration. False when another tab moved the session first.
    /// </summary>
    public async Task<bool> ReturnToAccountAsync(OnboardingSession session, FlowContext context, CancellationToken ct = default)
    {
        var to = OnboardingFlow.Fire(session.Step, OnboardingTrigger.Back, context);
        await using var db = factory.CreateDbContext();
        var changed = await db.OnboardingSessions
            .Where(s => s.Id == session.Id && s.Version == session.Version)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Step, to).SetProperty(s => s.UserId, (string?)null)
                .SetProperty(s => s.Data, WithoutPending(session.Data)).SetProperty(s => s.UpdatedAt, time.GetUtcNow())
                .SetProperty(s => s.Version, Guid.NewGuid()), ct);
        return changed == 1;
    }

    private static string WithoutPending(string json)
    {
        var data = OnboardingData.Parse(json);
        data.PendingRegistration = null;
        return data.ToJson();
    }

    /// <param name="httpContext">the request while prerendering; in a live circuit the hub connection's context is used</param>
    public async Task<OnboardingSession?> CurrentAsync(HttpContext? httpContext, CancellationToken ct = default)
    {
        var id = cookie.Read(httpContext ?? accessor.HttpContext);
        if (id is null) return null;
        await using var db = factory.CreateDbContext();
        return await db.OnboardingSessions.AsNoTracking().Include(s => s.Subscription).FirstOrDefaultAsync(s => s.Id == id, ct);
    }

    /// <summary>
    /// Applies <paramref name="trigger"/> through the transition table and saves the new step; false when another
    /// tab or device moved the session first (the concurrency token changed). Illegal moves throw.
    /// </summary>
    public Task<bool> FireAsync(OnboardingSession session, OnboardingTrigger trigger, FlowContext context, CancellationToken ct = default) =>
        MoveAsync(session, OnboardingFlow.Fire(session.Step, trigger, context), null, ct);

    /// <summary>Records a step's answers and moves on in one save, so an answer is never kept without its step or the reverse.</summary>
    public Task<bool> SubmitAsync(OnboardingSession session, OnboardingTrigger trigger, FlowContext context, Action<OnboardingData> answer,
        CancellationToken ct = default) =>
        MoveAsync(session, OnboardingFlow.Fire(session.Step, trigger, context), answer, ct);

    /// <summary>Keeps answers of the current step without moving on (drafts survive a reload, e.g. a language switch).</summary>
    public Task<bool> KeepAnswersAsync(OnboardingSession session, Action<OnboardingData> answer, CancellationToken ct = default) =>
        MoveAsync(session, session.Step, answer, ct);

    private async Task<bool> MoveAsync(OnboardingSession session, OnboardingStep to, Action<OnboardingData>? answer, CancellationToken ct)
    {
        await using var db = factory.CreateDbContext();
        var tracked = await db.OnboardingSessions.FirstOrDefaultAsync(s => s.Id == session.Id, ct);
        if (tracked is null) return false;
        db.Entry(tracked).Property(s => s.Version).OriginalValue = session.Version;
        tracked.Step = to;
        if (answer is not null)
        {
            var data = OnboardingData.Parse(tracked.Data);
            answer(data);
            tracked.Data = data.ToJson();
        }
        tracked.UpdatedAt = time.GetUtcNow();
        tracked.Version = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }
}
