using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Portal.Metering;

/// <summary>The metering sender's counters (meter "Portal.Metering", from the host's IMeterFactory) and its activities.</summary>
public sealed class MeteringMetrics
{
    public const string MeterName = "Portal.Metering";

    /// <summary>One activity a sending pass, above the BatchMeterUsage calls it made.</summary>
    public static readonly ActivitySource Activities = new(MeterName);

    private readonly Counter<long> calls, records, unbilled, unbilledQuantity;

    public MeteringMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        calls = meter.CreateCounter<long>("portal.metering.calls");
        records = meter.CreateCounter<long>("portal.metering.records", description: "Records by final status");
        unbilled = meter.CreateCounter<long>("portal.metering.unbilled",
            description: "Usage records AWS will not bill (duplicate, expired), by reason; alert on any increase");
        unbilledQuantity = meter.CreateCounter<long>("portal.metering.unbilled.quantity",
            description: "Units of usage AWS will not bill, by reason and dimension");
    }

    public void Call() => calls.Add(1);
    public void Records(int count, string status) => records.Add(count, new KeyValuePair<string, object?>("status", status));

    public void Unbilled(int count, long quantity, string reason, string dimension)
    {
        unbilled.Add(count, new KeyValuePair<string, object?>("reason", reason));
        unbilledQuantity.Add(quantity, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("dimension", dimension));
    }
}
