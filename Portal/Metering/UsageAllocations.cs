using System.Text.Json;
using System.Text.RegularExpressions;
using AwsAllocation = Portal.Marketplace.Aws.UsageAllocation;
using AwsTag = Portal.Marketplace.Aws.Tag;

namespace Portal.Metering;

/// <summary>One bucket of a usage report: how much of its quantity belongs to a set of tags (none: the untagged bucket).</summary>
public sealed record AllocationInput(long Quantity, IReadOnlyList<TagInput>? Tags);

public sealed record TagInput(string Key, string Value);

/// <summary>
/// Usage allocations as AWS takes them in BatchMeterUsage, so buyers can split a bill by team or project. AWS's rules
/// (https://docs.aws.amazon.com/marketplace/latest/APIReference/API_marketplace-metering_UsageAllocation.html,
/// https://docs.aws.amazon.com/marketplacemetering/latest/APIReference/API_Tag.html and UsageRecord's
/// "The sum of all UsageAllocation quantities must equal the Quantity of the UsageRecord",
/// https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/marketplacemetering/aws.sdk.kotlin.services.marketplacemetering.model/-usage-record/usage-allocations.html):
/// a quantity of 0 to 2^31-1 per bucket, 1 to 5 tags per bucket or none for the untagged one, a key of 1 to 100 and a
/// value of 1 to 256 characters matching <c>^[a-zA-Z0-9+ -=._:\/@]+$</c>, each bucket a different set of tags, at most
/// 2,500 buckets in a record, and the buckets summing to the record's quantity.
/// Kept in a canonical form (tags sorted by key, buckets by tags) so equal allocations compare equal as text.
/// </summary>
public static partial class UsageAllocations
{
    public const int MaxTags = 5, MaxKey = 100, MaxValue = 256;
    /// <summary>AWS's limit per usage record; a record that would hold more buckets puts the rest in the untagged one.</summary>
    public const int MaxBuckets = 2500;
    /// <summary>Per usage report (the API body is at most 16 KB anyway).</summary>
    public const int MaxPerReport = 50;

    /// <summary>Tags of a bucket in canonical form ("" for the untagged bucket) → quantity.</summary>
    public sealed class Buckets : SortedDictionary<string, long>
    {
        public Buckets() : base(StringComparer.Ordinal) { }
        public long Total => Values.Sum();
    }

    /// <summary>Checks a report's allocations; null when they are valid (then <paramref name="buckets"/> holds them), else what is wrong.</summary>
    public static string? Validate(long quantity, IReadOnlyList<AllocationInput>? allocations, out Buckets? buckets)
    {
        buckets = null;
        if (allocations is null) return null;
        if (allocations.Count is 0 or > MaxPerReport) return $"allocations must hold 1 to {MaxPerReport} buckets.";
        var result = new Buckets();
        foreach (var a in allocations)
        {
            if (a is null) return "An allocation is empty.";
            if (a.Quantity is < 0 or > int.MaxValue) return "An allocation's quantity must be a whole number from 0 to 2147483647.";
            var tags = a.Tags ?? [];
            if (tags.Count > MaxTags) return $"An allocation has at most {MaxTags} tags.";
            foreach (var t in tags)
            {
                if (t?.Key is not { Length: >= 1 and <= MaxKey } tagKey || !TagText().IsMatch(tagKey))
                    return $"A tag key must be 1 to {MaxKey} characters of letters, digits, spaces and + - = . _ : / @.";
                if (t.Value is not { Length: >= 1 and <= MaxValue } value || !TagText().IsMatch(value))
                    return $"A tag value must be 1 to {MaxValue} characters of letters, digits, spaces and + - = . _ : / @.";
            }
            if (tags.Select(t => t.Key).Distinct(StringComparer.Ordinal).Count() != tags.Count) return "An allocation names a tag key twice.";
            var key = KeyOf(tags);
            if (!result.TryAdd(key, a.Quantity)) return "Two allocations have the same tags; each bucket needs its own set of tags.";
        }
        if (result.Total != quantity) return $"The allocations add up to {result.Total}, not to the quantity {quantity}.";
        buckets = result;
        return null;
    }

    /// <summary>Adds <paramref name="more"/> into <paramref name="into"/>; buckets beyond AWS's limit go to the untagged one.</summary>
    public static void Add(Buckets into, Buckets more)
    {
        foreach (var (key, q) in more)
        {
            var target = into.ContainsKey(key) || into.Count < MaxBuckets || key.Length == 0 ? key : "";
            into[target] = (into.TryGetValue(target, out var had) ? had : 0) + q;
        }
    }

    /// <summary>The buckets of usage that named none: all of it untagged.</summary>
    public static Buckets Untagged(long quantity) => new() { [""] = quantity };

    public static string Serialize(Buckets buckets) =>
        JsonSerializer.Serialize(buckets.Select(b => new Stored(b.Value, Parse(b.Key))).ToList(), JsonSerializerOptions.Web);

    public static Buckets? Deserialize(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        var result = new Buckets();
        foreach (var s in JsonSerializer.Deserialize<List<Stored>>(json, JsonSerializerOptions.Web) ?? [])
            result[KeyOf([.. s.Tags.Select(t => new TagInput(t[0], t[1]))])] = s.Quantity;
        return result;
    }

    /// <summary>AWS's shape: the untagged bucket without Tags (AWS: "For the bucket of items with no tags, this parameter can be left out").</summary>
    public static List<AwsAllocation>? ToAws(string? json) => Deserialize(json)?.Select(b => new AwsAllocation
    {
        AllocatedUsageQuantity = (int)Math.Min(b.Value, int.MaxValue),
        Tags = b.Key.Length == 0 ? null : [.. Parse(b.Key).Select(t => new AwsTag { Key = t[0], Value = t[1] })],
    }).ToList();

    /// <summary>For people: "team=a, env=prod: 3; (untagged): 2".</summary>
    public static string Describe(string? json, string untagged) => Deserialize(json) is { } b
        ? string.Join("; ", b.Select(x => $"{(x.Key.Length == 0 ? untagged : string.Join(", ", Parse(x.Key).Select(t => $"{t[0]}={t[1]}")))}: {x.Value:N0}"))
        : "";

    private sealed record Stored(long Quantity, List<string[]> Tags);

    private static string KeyOf(IReadOnlyList<TagInput> tags) => tags.Count == 0 ? ""
        : JsonSerializer.Serialize(tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new[] { t.Key, t.Value }));

    private static List<string[]> Parse(string key) => key.Length == 0 ? [] : JsonSerializer.Deserialize<List<string[]>>(key)!;

    // AWS's pattern, verbatim: " -=" is a range (space to '='), so it admits ! " # $ % & ' ( ) * , ; < too.
    [GeneratedRegex(@"^[a-zA-Z0-9+ -=._:\/@]+$")]
    private static partial Regex TagText();
}
