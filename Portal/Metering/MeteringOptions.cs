using System.ComponentModel.DataAnnotations;

namespace Portal.Metering;

public sealed class MeteringOptions : IValidatableObject
{
    public const string SectionName = "Metering";

    /// <summary>Off: usage is still accepted and stored, but nothing is sent (e.g. a staging copy of production data).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often usage is aggregated and sent.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Metering:Interval must be between 1 second and 1 day.")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How old a usage hour AWS still accepts (24 hours in the current API model). Older records are flagged, never sent.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "7.00:00:00", ErrorMessage = "Metering:Window must be between 10 minutes and 7 days.")]
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// AWS bills by calendar month: usage of a month that has ended is accepted only until this long after it ended
    /// (06:00 UTC on the 1st), whatever <see cref="Window"/> says. See <see cref="MeteringWindow"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Metering:MonthEndGrace must be between 0 and 1 day.")]
    public TimeSpan MonthEndGrace { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// A record closer than this to AWS's cutoff is not put into a batch (it could cross the cutoff on the way and make
    /// AWS refuse the whole batch): it is flagged Expired and alerted instead. Covers a round of calls with retries.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "02:00:00", ErrorMessage = "Metering:SendMargin must be between 1 minute and 2 hours.")]
    public TimeSpan SendMargin { get; set; } = TimeSpan.FromMinutes(10);

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

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A month's closing hour closes at 00:00 on the 1st and can be sent until the grace minus the margin: that span must exist.
        if (SendMargin >= MonthEndGrace)
            yield return new ValidationResult("Metering:SendMargin must be shorter than Metering:MonthEndGrace, or a month's last hour could never be sent.", [nameof(SendMargin)]);
        if (SendMargin + TimeSpan.FromHours(1) >= Window)
            yield return new ValidationResult("Metering:SendMargin plus one hour must be shorter than Metering:Window.", [nameof(SendMargin)]);
    }
}
