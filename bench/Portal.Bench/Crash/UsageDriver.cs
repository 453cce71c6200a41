using System.Net;
using System.Net.Http.Json;
using Portal.Metering;

namespace Portal.Bench.Crash;

/// <summary>A usage event the portal accepted (202 recorded, or 200 for a retry it already had).</summary>
public sealed record AcceptedUsage(string AccountId, string Dimension, DateTimeOffset At, long Quantity, string IdempotencyKey, bool Replayed);

/// <summary>
/// The vendor's product: reports a linked organization's usage to POST /api/v1/usage with an API key and an explicit
/// idempotency key. A connection cut by a kill, or a 5xx, is retried after the restart with the SAME key, as a
/// well-behaved client must; the portal has to count it once.
/// </summary>
public sealed class UsageDriver(VictimProcess victim, VictimDb db, DateTimeOffset firstOpenHour, int hours)
{
    public static readonly string[] Dimensions = ["requests", "storage_gb", "users"];
    private readonly HttpClient http = new() { BaseAddress = victim.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<AcceptedUsage> accepted = [];
    private readonly List<string> refused = [];

    public IReadOnlyList<AcceptedUsage> Accepted { get { lock (accepted) return [.. accepted]; } }
    public IReadOnlyList<string> Refused { get { lock (refused) return [.. refused]; } }
    public int Retries => retries;
    private int retries;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> keys = new();

    /// <summary>The vendor admin's key for this organization (ApiKeyService, as the API keys page does), made once.</summary>
    public async Task<string> KeyForAsync(CrashOnboarding o)
    {
        if (keys.TryGetValue(o.AccountId, out var known)) return known;
        var key = await new ApiKeyService(db, TimeProvider.System).CreateAsync(o.OrganizationId!.Value, "crash test", "crash-driver");
        return keys.GetOrAdd(o.AccountId, key.PlainKey);
    }

    public async Task RunAsync(CrashOnboarding o, int count, int seed)
    {
        var key = await KeyForAsync(o);
        var rng = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            // Closed hours only (before the hour the run started in), a few of them, so the portal meters each while
            // the run goes on and late events for an hour already sent exercise the "move to the next open hour" path.
            var at = firstOpenHour.AddHours(-1 - rng.Next(hours)).AddSeconds(rng.Next(3600));
            var dimension = Dimensions[rng.Next(Dimensions.Length)];
            long quantity = rng.Next(1, 1000);
            var idempotencyKey = $"crash-{o.AccountId}-{i}";
            await SendAsync(o, key, new(o.AccountId, dimension, at, quantity, idempotencyKey, false));
        }
    }

    /// <summary>
    /// Sends until the portal answers for real (a kill or a 5xx is retried with the same key). Returns the answer's
    /// status; a refusal is listed as a problem unless <paramref name="refusalExpected"/>.
    /// </summary>
    public async Task<HttpStatusCode> SendAsync(CrashOnboarding o, string apiKey, AcceptedUsage usage, bool refusalExpected = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            await victim.WaitUpAsync();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/usage")
                {
                    Content = JsonContent.Create(new { dimension = usage.Dimension, quantity = usage.Quantity, timestamp = usage.At }),
                };
                request.Headers.Authorization = new("Bearer", apiKey);
                request.Headers.Add("Idempotency-Key", usage.IdempotencyKey);
                using var response = await http.SendAsync(request);
                if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
                {
                    lock (accepted) accepted.Add(usage with { Replayed = response.StatusCode == HttpStatusCode.OK });
                    victim.Advanced();
                    return response.StatusCode;
                }
                if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    var body = await response.Content.ReadAsStringAsync();
                    if (!refusalExpected) lock (refused) refused.Add($"{usage.IdempotencyKey}: {(int)response.StatusCode} {body}");
                    victim.Advanced();
                    return response.StatusCode;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            Interlocked.Increment(ref retries);
            if (attempt > 200) throw new InvalidOperationException($"Usage {usage.IdempotencyKey} of {o.AccountId} was never accepted.");
            await Task.Delay(100);
        }
    }
}
