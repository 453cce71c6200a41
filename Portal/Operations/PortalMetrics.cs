using System.Diagnostics.Metrics;

namespace Portal.Operations;

/// <summary>
/// The portal's business counters in one Meter ("Portal"); features with their own Meter (Portal.Marketplace,
/// Portal.Metering, Portal.Webhooks) are exported the same way at /metrics.
/// </summary>
public static class PortalMetrics
{
    public static readonly Meter Meter = new("Portal");
    public static readonly Counter<long> Landings = Meter.CreateCounter<long>("portal.landings", description: "Landings by outcome (started or the problem)");
    public static readonly Counter<long> Links = Meter.CreateCounter<long>("portal.links", description: "Link attempts by outcome");
    public static readonly Counter<long> Emails = Meter.CreateCounter<long>("portal.emails", description: "E-mail delivery attempts by result");

    public static readonly Counter<long> Throttled = Meter.CreateCounter<long>("portal.ratelimited", description: "Requests refused by a rate limit, by endpoint");
    public static void RateLimited(string endpoint) => Throttled.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));

    public static void Landing(string outcome) => Landings.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    public static void Link(string outcome) => Links.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    public static void Email(string result) => Emails.Add(1, new KeyValuePair<string, object?>("result", result));
}
