namespace Portal.Metering;

/// <summary>
/// When AWS still bills a usage hour. BatchMeterUsage refuses a record 24 hours or more after its timestamp, and a
/// month's usage after 06:00 UTC on the 1st of the next month even inside those 24 hours; one record out of range
/// (TimestampOutOfBoundsException) refuses the whole batch. The current API model says 24 hours; older pages still
/// say 6, which <see cref="MeteringOptions.Window"/> can be set to.
/// https://docs.aws.amazon.com/marketplace/latest/APIReference/API_marketplace-metering_BatchMeterUsage.html
/// https://docs.aws.amazon.com/marketplacemetering/latest/APIReference/API_TimestampOutOfBoundsException.html
/// https://docs.aws.amazon.com/marketplace/latest/userguide/metering-for-usage.html
/// </summary>
public static class MeteringWindow
{
    /// <summary>The first instant AWS refuses a record of <paramref name="hour"/>.</summary>
    public static DateTimeOffset Deadline(DateTimeOffset hour, MeteringOptions o)
    {
        var h = MeteringClock.HourOf(hour);
        var byAge = h + o.Window;
        var byMonth = MonthStart(h).AddMonths(1) + o.MonthEndGrace;
        return byAge < byMonth ? byAge : byMonth;
    }

    /// <summary>
    /// The last instant a record of <paramref name="hour"/> may be put into a batch: the margin covers the call, its
    /// retries and clock skew, so no record crosses its deadline on the way and sinks the batch it travels in.
    /// </summary>
    public static DateTimeOffset LastSend(DateTimeOffset hour, MeteringOptions o) => Deadline(hour, o) - o.SendMargin;

    public static bool CanSend(DateTimeOffset hour, DateTimeOffset now, MeteringOptions o) => now < LastSend(hour, o);

    /// <summary>
    /// The same rule as two bounds on the hour, so the database can select what can no longer be sent: an hour is
    /// unsendable if it is at or before <c>age</c>, or before <c>month</c>.
    /// </summary>
    public static (DateTimeOffset Age, DateTimeOffset Month) UnsendableBounds(DateTimeOffset now, MeteringOptions o)
    {
        var sent = now + o.SendMargin; // when AWS would see a record sent now, at the latest
        // NextMonth(h) + grace <= sent  <=>  NextMonth(h) <= sent - grace  <=>  h < MonthStart(sent - grace)
        return (sent - o.Window, MonthStart(sent - o.MonthEndGrace));
    }

    /// <summary>
    /// The oldest closed hour that can still wait for the pass at <paramref name="nextFullPass"/>: usage of earlier
    /// hours is aggregated by the light pass at once, or it would expire before the next full one.
    /// </summary>
    public static DateTimeOffset UrgentBefore(DateTimeOffset now, DateTimeOffset nextFullPass, TimeSpan lightPass, MeteringOptions o)
    {
        var currentHour = MeteringClock.HourOf(now);
        var h = MeteringClock.HourOf(now - o.Window);
        // LastSend never decreases with the hour, so the first hour that can wait ends the urgent range.
        while (h < currentHour && LastSend(h, o) <= nextFullPass + lightPass) h = h.AddHours(1);
        return h;
    }

    /// <summary>Full passes run on a fixed grid (on the hour for the default interval), so a late pass never shifts the next.</summary>
    public static DateTimeOffset NextFullPass(DateTimeOffset now, TimeSpan interval)
    {
        var ticks = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks((ticks / interval.Ticks + 1) * interval.Ticks);
    }

    private static DateTimeOffset MonthStart(DateTimeOffset t)
    {
        var u = t.ToUniversalTime();
        return new DateTimeOffset(u.Year, u.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }
}
