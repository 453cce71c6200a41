using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Simulator;

namespace Portal.Bench;

/// <summary>
/// (a) The landing under load against the simulator: closed-loop throughput at 64 concurrent POSTs beside the bare
/// endpoint (same form, same single loopback call, same redirect), and latency at a fixed offered load.
/// </summary>
public static class LandingBench
{
    public static async Task<List<(string, string)>> RunAsync(string? postgres, TimeSpan duration, int rate)
    {
        await using var portal = new BenchPortal(new Dictionary<string, string?> { ["Metering:Enabled"] = "false" }, postgres);
        portal.StartServer();
        var tokens = portal.Services.GetRequiredService<SimulatorTokens>();
        var next = 0L;
        string Token() => tokens.Mint(BenchPortal.Product, SimulatedOffer.Payg, (700_000_000_000L + Interlocked.Increment(ref next)).ToString());
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 1024 })
        {
            BaseAddress = new Uri(SelfAddress(portal)),
        };
        async Task<bool> PostAsync(string path)
        {
            using var response = await http.PostAsync(path, new FormUrlEncodedContent([new("x-amzn-marketplace-token", Token())]));
            return (int)response.StatusCode == 303;
        }

        await ClosedLoopAsync(() => PostAsync(BareLandingFilter.Path), 64, TimeSpan.FromSeconds(2)); // warm-up
        await ClosedLoopAsync(() => PostAsync("/marketplace/landing"), 64, TimeSpan.FromSeconds(2));
        // One at a time first: what a single landing costs without any contention.
        var oneBare = await ClosedLoopAsync(() => PostAsync(BareLandingFilter.Path), 1, TimeSpan.FromSeconds(3));
        var oneLanding = await ClosedLoopAsync(() => PostAsync("/marketplace/landing"), 1, TimeSpan.FromSeconds(3));
        var bare = await ClosedLoopAsync(() => PostAsync(BareLandingFilter.Path), 64, duration);
        var landing = await ClosedLoopAsync(() => PostAsync("/marketplace/landing"), 64, duration);
        var (p50, p99, sent, failed) = await OpenLoopAsync(() => PostAsync("/marketplace/landing"), rate, duration);

        return
        [
            ("(a) one request at a time: bare / landing", $"{1000 / oneBare.PerSecond:F2} ms / {1000 / oneLanding.PerSecond:F2} ms per request"),
            ("(a) bare endpoint, 64 concurrent", $"{bare.PerSecond:N0} req/s ({bare.Failed} failed)"),
            ("(a) landing, 64 concurrent", $"{landing.PerSecond:N0} req/s ({landing.Failed} failed)"),
            ("(a) landing / bare ratio (target ≥ 0.30)", $"{landing.PerSecond / bare.PerSecond:F2}"),
            ($"(a) landing latency at {rate} req/s offered (target p99 ≤ 25 ms)", $"p50 {p50:F1} ms, p99 {p99:F1} ms ({sent:N0} sent, {failed} failed)"),
        ];
    }

    private static string SelfAddress(BenchPortal portal)
    {
        var addresses = portal.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        return addresses.First().Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1");
    }

    private sealed record Throughput(double PerSecond, int Failed);

    private static async Task<Throughput> ClosedLoopAsync(Func<Task<bool>> call, int concurrency, TimeSpan duration)
    {
        var done = 0; var failed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                bool ok;
                try { ok = await call(); } catch (HttpRequestException) { ok = false; }
                if (ok) Interlocked.Increment(ref done); else Interlocked.Increment(ref failed);
            }
        }));
        return new(done / clock.Elapsed.TotalSeconds, failed);
    }

    /// <summary>Requests start on a fixed schedule whatever the answers do (no coordinated omission); latency per request.</summary>
    private static async Task<(double P50, double P99, int Sent, int Failed)> OpenLoopAsync(Func<Task<bool>> call, int rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var failed = 0;
        var tasks = new Task[total];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            while (clock.Elapsed < due)
            {
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(2)) await Task.Delay(wait - TimeSpan.FromMilliseconds(1)); else Thread.SpinWait(50);
            }
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                var started = clock.Elapsed;
                bool ok;
                try { ok = await call(); } catch (HttpRequestException) { ok = false; }
                latencies[index] = (clock.Elapsed - started).TotalMilliseconds;
                if (!ok) Interlocked.Increment(ref failed);
            });
        }
        await Task.WhenAll(tasks);
        Array.Sort(latencies);
        return (latencies[total / 2], latencies[(int)(total * 0.99)], total, failed);
    }
}
