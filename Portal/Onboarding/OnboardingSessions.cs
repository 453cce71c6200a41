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

    /// <summary>Saves a move to <paramref name="to"/>; false when another tab or device moved the session first.</summary>
    public async Task<bool> MoveAsync(OnboardingSession session, OnboardingStep to, CancellationToken ct = default)
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
