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
    private readonly ConcurrentDictionary<string, int> metered = new();

    /// <summary>Counts how often a token's failure has been served, for "fail once, then succeed" modes.</summary>
    public int ServeFailure(string nonce) => failuresServed.AddOrUpdate(nonce, 1, (_, n) => n + 1);

    public License Subscribe(SimulatorToken token, bool china)
    {
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{token.ProductCode}|{token.AccountId}|{token.Offer}")));
        var partition = china ? "aws-cn" : "aws";
        var license = new License(token.ProductCode, token.AccountId,
            $"arn:{partition}:license-manager::{token.AccountId}:license:l-{digest[..32]}",
            "c" + digest[32..43], token.Offer, time.GetUtcNow().AddYears(1));
        return licenses.GetOrAdd(license.LicenseArn, license);
    }

    public IEnumerable<License> Licenses(string productCode) => licenses.Values.Where(l => l.ProductCode == productCode);

    public bool IsSubscribed(string productCode, UsageRecord r) => licenses.Values.Any(l => l.ProductCode == productCode &&
        (r.LicenseArn is { } arn ? l.LicenseArn == arn && l.AccountId == r.CustomerAWSAccountId : l.CustomerIdentifier == r.CustomerIdentifier));

    /// <summary>AWS keeps one record per customer, dimension and hour: a second one is a DuplicateRecord.</summary>
    public bool TryMeter(string productCode, UsageRecord r)
    {
        var hour = r.Timestamp.ToUniversalTime();
        var key = $"{productCode}|{r.LicenseArn ?? r.CustomerIdentifier}|{r.Dimension}|{hour:yyyyMMddHH}";
        return metered.TryAdd(key, r.Quantity ?? 0);
    }

    public int MeteredCount => metered.Count;
}
