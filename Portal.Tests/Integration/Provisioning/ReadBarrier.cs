using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Tests.Integration.Provisioning;

/// <summary>
/// Holds each matching query until <c>count</c> of them have arrived (or a bounded wait ends), so concurrent twins
/// all read "not there yet" before any of them inserts: the race on the unique index then happens every run.
/// </summary>
internal sealed class ReadBarrier : DbCommandInterceptor
{
    private Func<string, bool>? matches;
    private int expected, arrived;
    private TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Held => Volatile.Read(ref arrived);

    public void Arm(int count, Func<string, bool> predicate)
    {
        open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        (expected, arrived, matches) = (count, 0, predicate);
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        var gate = open;
        if (matches is { } m && !gate.Task.IsCompleted && m(command.CommandText))
        {
            if (Interlocked.Increment(ref arrived) >= expected) gate.TrySetResult();
            try { await gate.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken); }
            catch (TimeoutException) { gate.TrySetResult(); }
        }
        return result;
    }
}
