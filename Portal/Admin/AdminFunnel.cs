using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Onboarding;

namespace Portal.Admin;

/// <summary>One bar of the funnel; the ratios are null when the stage before it is empty.</summary>
public sealed record FunnelStage(string Key, int Count, double? OfPrevious, double? OfLanded);

public sealed record OnboardingFunnel(int Days, DateTimeOffset Since, IReadOnlyList<FunnelStage> Stages);

/// <summary>
/// How far the buyers who landed in a period got. The cohort is every subscription whose first landing
/// (<c>subscription.registered</c>) falls in the period; later stages count only those subscriptions, so a
/// stage never exceeds the one before it and the percentages read as conversion.
/// </summary>
public sealed class AdminFunnel(AdminAccess access, IDbContextFactory<PortalDbContext> factory, TimeProvider time)
{
    public static readonly IReadOnlyList<int> Periods = [7, 30, 90];
    public const string Landed = "Landed", Account = "Account", Linked = "Linked";
    public const string LinkedEvent = "subscription.linked";

    // The steps after the account step: a session there has a signed-in (or registered) buyer.
    private static readonly OnboardingStep[] PastAccount =
        Enum.GetValues<OnboardingStep>().Where(s => s is not OnboardingStep.Landing and not OnboardingStep.Account).ToArray();

    public async Task<OnboardingFunnel> ComputeAsync(int days, CancellationToken ct = default)
    {
        await access.DemandAsync();
        await using var db = factory.CreateDbContext();
        return await ComputeAsync(db, time.GetUtcNow(), days, ct);
    }

    internal static async Task<OnboardingFunnel> ComputeAsync(PortalDbContext db, DateTimeOffset now, int days, CancellationToken ct)
    {
        days = Periods.Contains(days) ? days : Periods[1];
        var since = now.ToUniversalTime().AddDays(-days);
        var cohort = db.AuditEvents.Where(e => e.Type == AuditEventTypes.SubscriptionRegistered && e.OccurredAt >= since && e.SubscriptionId != null)
            .Select(e => e.SubscriptionId!.Value).Distinct();
        var landed = await cohort.CountAsync(ct);
        var account = await db.OnboardingSessions
            .Where(s => cohort.Contains(s.SubscriptionId) && (s.UserId != null || PastAccount.Contains(s.Step)))
            .Select(s => s.SubscriptionId).Distinct().CountAsync(ct);
        var linked = await db.AuditEvents
            .Where(e => e.Type == LinkedEvent && e.SubscriptionId != null && cohort.Contains(e.SubscriptionId.Value))
            .Select(e => e.SubscriptionId).Distinct().CountAsync(ct);
        return new OnboardingFunnel(days, since,
        [
            new FunnelStage(Landed, landed, null, landed == 0 ? null : 1),
            new FunnelStage(Account, account, Ratio(account, landed), Ratio(account, landed)),
            new FunnelStage(Linked, linked, Ratio(linked, account), Ratio(linked, landed)),
        ]);
    }

    private static double? Ratio(int part, int whole) => whole == 0 ? null : (double)part / whole;
}
