using System.Diagnostics.Metrics;

namespace Portal.Operations;

/// <summary>
/// The portal's business counters in one Meter ("Portal"), a singleton made by the host's IMeterFactory: each
/// portal instance (and each test server in one process) has its own meter, disposed with its container. Features
/// with their own Meter (Portal.Marketplace, Portal.Metering, Portal.Webhooks) are exported the same way at /metrics.
/// </summary>
public sealed class PortalMetrics
{
    public const string MeterName = "Portal";

    private readonly Counter<long> landings, links, emails, throttled;

    public PortalMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        landings = meter.CreateCounter<long>("portal.landings", description: "Landings by outcome (started or the problem)");
        links = meter.CreateCounter<long>("portal.links", description: "Link attempts by outcome");
        emails = meter.CreateCounter<long>("portal.emails", description: "E-mail delivery attempts by result");
        throttled = meter.CreateCounter<long>("portal.ratelimited", description: "Requests refused by a rate limit, by endpoint");
    }

    public void RateLimited(string endpoint) => throttled.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));
    public void Landing(string outcome) => landings.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    public void Link(string outcome) => links.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    public void Email(string result) => emails.Add(1, new KeyValuePair<string, object?>("result", result));
}
