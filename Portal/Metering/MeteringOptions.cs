using System.ComponentModel.DataAnnotations;

namespace Portal.Metering;

public sealed class MeteringOptions
{
    public const string SectionName = "Metering";

    /// <summary>Off: usage is still accepted and stored, but nothing is sent (e.g. a staging copy of production data).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often usage is aggregated and sent.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Metering:Interval must be between 1 second and 1 day.")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How old a usage hour AWS still accepts. Older records are flagged for the operator, never sent.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "7.00:00:00", ErrorMessage = "Metering:Window must be between 10 minutes and 7 days.")]
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// AWS bills by calendar month: usage of a month that has ended is sent only within this grace after it ended,
    /// whatever <see cref="Window"/> says, so it is never refused against a closed bill.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Metering:MonthEndGrace must be between 0 and 1 day.")]
    public TimeSpan MonthEndGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>First retry delay after throttling or unprocessed records; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")] public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a sender's lease lasts without renewal; a crashed instance's lease is taken over after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How far in the future a reported timestamp may be (clock skew of the vendor's hosts).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Usage events aggregated per database pass.</summary>
    [Range(100, 100_000)] public int AggregationChunk { get; set; } = 20_000;

    /// <summary>BatchMeterUsage calls in flight at once (each carries up to 25 records).</summary>
    [Range(1, 32)] public int Concurrency { get; set; } = 4;
}
