namespace Portal.Bench.Crash;

/// <summary>
/// Bounds a crash run. It trips when the run passed its wall-clock limit (--max-minutes) or when nothing moved for
/// --stall-minutes: no wizard step completed, no kill, no usage event accepted. A run on a loaded machine once sat
/// 25 minutes with no kill, no database write and no output until the CI timeout: this turns that into a failure that
/// says what every stuck buyer's page showed.
/// </summary>
public sealed class CrashWatchdog(TimeSpan maxRun, TimeSpan maxStall, Func<(long Steps, int Kills, int Usage)> progress)
{
    private (long, int, int) last = progress();
    private TimeSpan lastChange;

    /// <summary>Why the run must stop now; null while it may go on.</summary>
    public string? Reason { get; private set; }

    /// <summary>Time since anything moved, as of the last <see cref="Check"/>.</summary>
    public TimeSpan Idle { get; private set; }

    public bool Check(TimeSpan elapsed)
    {
        if (Reason is not null) return true;
        var now = progress();
        if (now != last) (last, lastChange) = (now, elapsed);
        Idle = elapsed - lastChange;
        if (Idle > maxStall)
            Reason = $"no progress for {Idle.TotalMinutes:F1} minutes (no completed step, no kill, no accepted usage event; limit --stall-minutes {maxStall.TotalMinutes:G})";
        else if (elapsed > maxRun)
            Reason = $"the run passed --max-minutes {maxRun.TotalMinutes:G}";
        return Reason is not null;
    }
}
