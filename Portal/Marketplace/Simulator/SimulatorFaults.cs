using System.Collections.Concurrent;

namespace Portal.Marketplace.Simulator;

/// <summary>How the simulated AWS answers an operation while an outage is being rehearsed.</summary>
public enum SimulatorFault
{
    /// <summary>Answers as AWS normally does.</summary>
    Normal,
    /// <summary>Every call gets ThrottlingException (HTTP 400), as when the account's rate limit is exhausted.</summary>
    Throttle,
    /// <summary>Every call gets InternalServiceErrorException (HTTP 500), as during an AWS incident.</summary>
    Fail,
    /// <summary>Every call is accepted and never answered, as behind a black-holing network path.</summary>
    Hang,
    /// <summary>Every call gets ExpiredTokenException (HTTP 403) about the caller's own credentials, as when the portal's AWS keys expired.</summary>
    ExpiredCredentials,
}

/// <summary>
/// Per-operation fault switches for the simulator and how many calls each operation received, so tests and the
/// dev page can rehearse AWS throttling, failing or hanging for every caller at once (the token-borne
/// <see cref="SimulatedFailure"/> only covers one landing). Operations are named as in X-Amz-Target, e.g. ResolveCustomer.
/// </summary>
public sealed class SimulatorFaults
{
    /// <summary>A hanging call ends by itself after this long, so a forgotten request does not hold the server forever.</summary>
    public static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, SimulatorFault> faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> calls = new(StringComparer.Ordinal);

    public void Set(string operation, SimulatorFault fault)
    {
        if (fault == SimulatorFault.Normal) faults.TryRemove(operation, out _);
        else faults[operation] = fault;
    }

    public SimulatorFault Get(string operation) => faults.TryGetValue(operation, out var f) ? f : SimulatorFault.Normal;

    /// <summary>Every operation answers normally again.</summary>
    public void Clear() => faults.Clear();

    /// <summary>Calls received for an operation (faulted or not) since start or the last <see cref="ResetCalls"/>.</summary>
    public int Calls(string operation) => calls.TryGetValue(operation, out var n) ? n : 0;

    public void ResetCalls() => calls.Clear();

    /// <summary>Counts a call as it arrives and tells how to answer it.</summary>
    internal SimulatorFault Receive(string operation)
    {
        calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
        return Get(operation);
    }
}
