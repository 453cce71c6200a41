using Microsoft.Extensions.Time.Testing;

namespace Portal.Tests.Infrastructure;

public static class RealTimerClock
{
    /// <summary>
    /// A fake clock whose "now" moves only by Advance, but whose timers run in real time: the metering tests move the
    /// date (hours, month ends) while AWS calls still time out after real seconds (a hanging AWS ends each attempt by
    /// its 1 s timeout without the test moving the clock under the call).
    /// </summary>
    public static FakeTimeProvider WithRealTimers(this FakeTimeProvider clock) => new RealTimers(clock.GetUtcNow());

    private sealed class RealTimers(DateTimeOffset start) : FakeTimeProvider(start)
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, dueTime, period);
    }
}
