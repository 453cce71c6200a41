using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Portal.Marketplace.Aws;

namespace Portal.Marketplace.Simulator;

/// <summary>The simulated AWS side: licenses sold, failures already served, usage already metered.</summary>
public sealed class SimulatorState(TimeProvider time)
{
    public sealed record License(string ProductCode, string AccountId, string LicenseArn, string CustomerIdentifier,
        SimulatedOffer Offer, DateTimeOffset ExpiresAt);

    private readonly ConcurrentDictionary<string, int> failuresServed = new();
    private readonly ConcurrentDictionary<string, License> licenses = new();
    private readonly ConcurrentDictionary<string, (int Quantity, string Id)> metered = new();
    private readonly ConcurrentQueue<MeteringCall> calls = new();
    private readonly ConcurrentDictionary<string, bool> unsubscribed = new();
    private readonly ConcurrentDictionary<string, List<Entitlement>> entitlements = new();
    private int callCount, throttleNext, unprocessedNext;

    /// <summary>Outage switches (throttle, fail, hang) per operation, and how many calls each operation received.</summary>
    public SimulatorFaults Faults { get; } = new();

    /// <summary>A BatchMeterUsage call as the simulator received it, for the dev page and tests.</summary>
    public sealed record MeteringCall(DateTimeOffset At, string ProductCode, int Records, string Result);

    /// <summary>A dimension whose records make the whole batch fail (InvalidUsageDimensionException), to exercise batch splitting.</summary>
    public string? RejectedDimension { get; set; }

    /// <summary>Counts how often a token's failure has been served, for "fail once, then succeed" modes.</summary>
    public int ServeFailure(string nonce) => failuresServed.AddOrUpdate(nonce, 1, (_, n) => n + 1);

    /// <summary>
    /// A purchase: each agreement is its own license (its ARN is what AWS names it by), while the legacy customer
    /// identifier belongs to the account and product and stays the same across purchases. An account that cancelled
    /// and subscribes again makes a new agreement, hence a new license, as AWS does: the cancelled one stays revoked.
    /// </summary>
    public License Subscribe(SimulatorToken token, bool china)
    {
        var customerSeed = $"{token.ProductCode}|{token.AccountId}|{token.Offer}";
        var customer = "c" + Digest(customerSeed)[32..43];
        var partition = china ? "aws-cn" : "aws";
        var seed = token.Agreement is { } agreement ? $"{customerSeed}|{agreement}" : customerSeed;
        License added;
        for (var purchase = 1; ; purchase++)
        {
            var digest = Digest(purchase == 1 ? seed : $"{seed}|{purchase}");
            var license = new License(token.ProductCode, token.AccountId,
                $"arn:{partition}:license-manager::{token.AccountId}:license:l-{digest[..32]}", customer, token.Offer, time.GetUtcNow().AddYears(1));
            added = licenses.GetOrAdd(license.LicenseArn, license);
            if (!unsubscribed.ContainsKey(added.LicenseArn)) break;
        }
        // "AWS confirms the contract later": no entitlement until someone confirms it on /dev/marketplace.
        if (token.Offer == SimulatedOffer.Contract && deferred.TryRemove($"{token.ProductCode}|{token.AccountId}", out _))
            entitlements.TryAdd(added.LicenseArn, []);
        return added;
    }

    private static string Digest(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));

    private readonly ConcurrentDictionary<string, bool> deferred = new();

    /// <summary>The next contract this account subscribes to has no entitlement until confirmed.</summary>
    public void DeferConfirmation(string productCode, string accountId) => deferred[$"{productCode}|{accountId}"] = true;

    public IEnumerable<License> Licenses(string productCode) => licenses.Values.Where(l => l.ProductCode == productCode);

    /// <summary>Looked up by key, not scanned: the benchmark meters for thousands of customers.</summary>
    public bool IsSubscribed(string productCode, UsageRecord r)
    {
        var license = r.LicenseArn is { } arn ? (licenses.TryGetValue(arn, out var l) && l.AccountId == r.CustomerAWSAccountId ? l : null)
            : r.CustomerIdentifier is { } id ? licenses.Values.Where(x => x.CustomerIdentifier == id).OrderBy(x => unsubscribed.ContainsKey(x.LicenseArn)).FirstOrDefault() : null;
        return license is not null && license.ProductCode == productCode && !unsubscribed.ContainsKey(license.LicenseArn);
    }

    public bool SellsProduct(string productCode) => licenses.Values.Any(l => l.ProductCode == productCode);

    /// <summary>
    /// AWS keeps one record per customer, dimension and hour. The same record again is the same record (Success, same
    /// MeteringRecordId: retries are safe); another quantity for that hour is a DuplicateRecord.
    /// </summary>
    public (string Status, string Id) Meter(string productCode, UsageRecord r)
    {
        var hour = r.Timestamp.ToUniversalTime();
        var key = $"{productCode}|{r.LicenseArn ?? r.CustomerIdentifier}|{r.Dimension}|{hour:yyyyMMddHH}";
        var entry = metered.GetOrAdd(key, _ => (r.Quantity ?? 0, Guid.NewGuid().ToString()));
        return entry.Quantity == (r.Quantity ?? 0) ? (UsageRecordResultStatus.Success, entry.Id) : (UsageRecordResultStatus.DuplicateRecord, entry.Id);
    }

    /// <summary>Records AWS holds (one per customer, dimension and hour) and their quantities.</summary>
    public IReadOnlyDictionary<string, (int Quantity, string Id)> Metered => metered;
    public int MeteredCount => metered.Count;

    public void RecordCall(MeteringCall call)
    {
        Interlocked.Increment(ref callCount);
        calls.Enqueue(call);
        while (calls.Count > 500 && calls.TryDequeue(out _)) { } // the page shows the latest; the count is kept apart
    }

    public int MeteringCallCount => Volatile.Read(ref callCount);
    public IReadOnlyList<MeteringCall> RecentMeteringCalls => [.. calls.Reverse()];

    /// <summary>The next <paramref name="n"/> BatchMeterUsage calls answer ThrottlingException.</summary>
    public void ThrottleNext(int n) => Interlocked.Exchange(ref throttleNext, n);
    public bool TakeThrottle() => TakeOne(ref throttleNext);

    /// <summary>The next <paramref name="n"/> calls leave their second half of records in UnprocessedRecords.</summary>
    public void LeaveUnprocessedNext(int n) => Interlocked.Exchange(ref unprocessedNext, n);
    public bool TakeUnprocessed() => TakeOne(ref unprocessedNext);

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            var n = Volatile.Read(ref counter);
            if (n <= 0) return false;
            if (Interlocked.CompareExchange(ref counter, n - 1, n) == n) return true;
        }
    }

    /// <summary>The buyer cancelled on AWS: further usage is CustomerNotSubscribed.</summary>
    public void Unsubscribe(string licenseArn) => unsubscribed[licenseArn] = true;

    /// <summary>What GetEntitlements answers for a license; without a call, a contract has one "Standard" unit for a year.</summary>
    public void SetEntitlements(string licenseArn, IEnumerable<Entitlement> list) => entitlements[licenseArn] = [.. list];
    public IReadOnlyList<Entitlement>? EntitlementsOf(string licenseArn) => entitlements.TryGetValue(licenseArn, out var l) ? l : null;

    /// <summary>Registers a license directly (tests and the benchmark subscribe many customers without tokens).</summary>
    public License AddLicense(License license) => licenses.GetOrAdd(license.LicenseArn, license);
}
