using Microsoft.EntityFrameworkCore;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Hardening;

/// <summary>
/// Row counts of every table a request could write to, so "nothing stored" is checked everywhere at once. Leases
/// are left out: the background workers take theirs on their own timers, whatever the requests do.
/// </summary>
public static class HardeningDb
{
    public static async Task<Dictionary<string, int>> CountRowsAsync(PortalAppFactory app)
    {
        await using var db = app.CreateDbContext();
        return new Dictionary<string, int>
        {
            ["Users"] = await db.Users.CountAsync(),
            ["Subscriptions"] = await db.Subscriptions.CountAsync(),
            ["OnboardingSessions"] = await db.OnboardingSessions.CountAsync(),
            ["AuditEvents"] = await db.AuditEvents.CountAsync(),
            ["Organizations"] = await db.Organizations.CountAsync(),
            ["OrganizationMembers"] = await db.OrganizationMembers.CountAsync(),
            ["Workspaces"] = await db.Workspaces.CountAsync(),
            ["EmailMessages"] = await db.EmailMessages.CountAsync(),
            ["EmailVerifications"] = await db.EmailVerifications.CountAsync(),
            ["SignInTickets"] = await db.SignInTickets.CountAsync(),
            ["MarketplaceNotifications"] = await db.MarketplaceNotifications.CountAsync(),
            ["Entitlements"] = await db.Entitlements.CountAsync(),
            ["UsageEvents"] = await db.UsageEvents.CountAsync(),
            ["MeteringRecords"] = await db.MeteringRecords.CountAsync(),
            ["ApiKeys"] = await db.ApiKeys.CountAsync(),
        };
    }
}
