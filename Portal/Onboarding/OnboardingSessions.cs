using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Onboarding;

/// <summary>Finds the browser's session from its cookie and moves it on, checking the concurrency token.</summary>
public sealed class OnboardingSessions(IDbContextFactory<PortalDbContext> factory, OnboardingCookie cookie,
    IHttpContextAccessor accessor, TimeProvider time)
{
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
        MoveAsync(session, OnboardingFlow.Fire(session.Step, trigger, context), ct);

    private async Task<bool> MoveAsync(OnboardingSession session, OnboardingStep to, CancellationToken ct)
    {
        await using var db = factory.CreateDbContext();
        var tracked = await db.OnboardingSessions.FirstOrDefaultAsync(s => s.Id == session.Id, ct);
        if (tracked is null) return false;
        db.Entry(tracked).Property(s => s.Version).OriginalValue = session.Version;
        tracked.Step = to;
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
