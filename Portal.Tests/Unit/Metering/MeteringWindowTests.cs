using System.ComponentModel.DataAnnotations;
using Portal.Metering;

namespace Portal.Tests.Unit.Metering;

/// <summary>AWS's cutoffs: 24 hours after the hour, and a month's usage until 06:00 UTC on the 1st.</summary>
public sealed class MeteringWindowTests
{
    private static readonly MeteringOptions Defaults = new();
    private static DateTimeOffset At(int y, int m, int d, int h, int min = 0) => new(y, m, d, h, min, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-11-18T10:00:00Z", "2026-11-19T10:00:00Z")] // mid-month: 24 hours
    [InlineData("2026-11-30T05:00:00Z", "2026-12-01T05:00:00Z")] // 24 hours comes before 06:00 on the 1st
    [InlineData("2026-11-30T23:00:00Z", "2026-12-01T06:00:00Z")] // the closing hour: 06:00 on the 1st
    [InlineData("2026-12-31T23:00:00Z", "2027-01-01T06:00:00Z")] // across a year
    [InlineData("2028-02-29T12:00:00Z", "2028-03-01T06:00:00Z")] // a leap February
    public void Deadline_is_24_hours_or_six_on_the_first_whichever_comes_first(string hour, string deadline)
    {
        Assert.Equal(DateTimeOffset.Parse(deadline, System.Globalization.CultureInfo.InvariantCulture),
            MeteringWindow.Deadline(DateTimeOffset.Parse(hour, System.Globalization.CultureInfo.InvariantCulture), Defaults));
    }

    [Fact]
    public void The_database_bounds_select_exactly_the_hours_that_can_no_longer_be_sent()
    {
        for (var now = At(2026, 11, 29, 0); now < At(2026, 12, 2, 12); now = now.AddMinutes(7))
        {
            var (age, month) = MeteringWindow.UnsendableBounds(now, Defaults);
            for (var h = MeteringClock.HourOf(now).AddHours(-30); h <= MeteringClock.HourOf(now); h = h.AddHours(1))
                Assert.Equal(!MeteringWindow.CanSend(h, now, Defaults), h <= age || h < month);
        }
    }

    [Fact]
    public void Full_passes_stay_on_the_hour_after_a_late_pass()
    {
        var hour = TimeSpan.FromHours(1);

        Assert.Equal(At(2026, 12, 1, 0), MeteringWindow.NextFullPass(At(2026, 11, 30, 23, 0), hour));
        Assert.Equal(At(2026, 12, 1, 0), MeteringWindow.NextFullPass(At(2026, 11, 30, 23, 59), hour)); // a pass that ended late
        Assert.Equal(At(2026, 12, 1, 0, 15), MeteringWindow.NextFullPass(At(2026, 12, 1, 0, 1), TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public void Only_hours_whose_cutoff_comes_before_the_next_full_pass_are_urgent()
    {
        var now = At(2026, 12, 1, 5, 30);

        Assert.Equal(At(2026, 12, 1, 0), MeteringWindow.UrgentBefore(now, At(2026, 12, 1, 6), TimeSpan.FromMinutes(1), Defaults));
        Assert.Equal(At(2026, 11, 18, 12), MeteringWindow.UrgentBefore(At(2026, 11, 19, 10, 30), At(2026, 11, 19, 11), TimeSpan.FromMinutes(1), Defaults));
    }

    [Fact]
    public void A_margin_that_leaves_no_time_for_a_months_last_hour_is_refused_at_start()
    {
        var options = new MeteringOptions { MonthEndGrace = TimeSpan.FromMinutes(5), SendMargin = TimeSpan.FromMinutes(10) };
        var errors = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true));
        Assert.Contains(errors, e => e.ErrorMessage!.Contains("Metering:SendMargin", StringComparison.Ordinal));
    }
}
