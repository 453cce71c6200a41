using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Portal.Bench;

/// <summary>(e) The portal published as the Dockerfile does (ReadyToRun, linux-x64): from process start to the first 200 of /health/ready on a fresh database (migrations applied).</summary>
public static class StartupBench
{
    public static async Task<List<(string, string)>> RunAsync(string repoRoot, int runs)
    {
        var publish = await PublishAsync(repoRoot);
        var fresh = await MeasureAsync(publish, repoRoot, runs, reuse: false);
        var again = await MeasureAsync(publish, repoRoot, runs, reuse: true);
        return
        [
            ("(e) ReadyToRun publish: start to first 200 of /health/ready, fresh SQLite (migrations applied on start)", Describe(fresh, runs)),
            ("(e) ReadyToRun publish: the same on a database already migrated (target ≤ 1.5 s)", Describe(again, runs)),
        ];
    }

    private static string Describe(List<double> times, int runs) =>
        $"median {times[times.Count / 2]:F2} s of {runs} (min {times[0]:F2} s, max {times[^1]:F2} s)";

    private static async Task<List<double>> MeasureAsync(string publish, string repoRoot, int runs, bool reuse)
    {
        var times = new List<double>();
        var shared = Directory.CreateTempSubdirectory("portal-bench-start-").FullName;
        if (reuse) await StartOnceAsync(publish, repoRoot, shared); // migrate it once
        for (var i = 0; i < runs; i++)
        {
            var dir = reuse ? shared : Directory.CreateTempSubdirectory("portal-bench-start-").FullName;
            times.Add(await StartOnceAsync(publish, repoRoot, dir));
            if (!reuse) try { Directory.Delete(dir, true); } catch (IOException) { }
        }
        try { Directory.Delete(shared, true); } catch (IOException) { }
        times.Sort();
        return times;
    }

    private static async Task<double> StartOnceAsync(string publish, string repoRoot, string dir)
    {
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet", $"\"{Path.Combine(publish, "Portal.dll")}\" --urls http://127.0.0.1:{port}")
            {
                WorkingDirectory = publish, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                Environment =
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Staging", ["DevTools__Enabled"] = "true", ["Portal__PublicBaseUrl"] = $"http://127.0.0.1:{port}/", ["ConnectionStrings__Portal"] = $"Data Source={Path.Combine(dir, "portal.db")}",
                    ["Marketplace__Mode"] = "Simulator", ["Marketplace__Products__0__ProductCode"] = BenchPortal.Product,
                    ["Marketplace__Products__0__Name"] = "Bench Analytics", ["Email__Mode"] = "Mailbox", ["Brand__AssetsPath"] = Path.Combine(repoRoot, "wwwroot-assets"),
                    ["Logging__LogLevel__Default"] = "Warning", ["AWS_EC2_METADATA_DISABLED"] = "true",
                },
            };
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{port}/health/ready")).StatusCode == HttpStatusCode.OK) break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
                await Task.Delay(10);
            }
            var elapsed = clock.Elapsed.TotalSeconds;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return elapsed;
        }
    }

    /// <summary>Publishes the portal as the Dockerfile does (ReadyToRun, linux-x64) into a temporary folder.</summary>
    public static async Task<string> PublishAsync(string repoRoot)
    {
        var publish = Path.Combine(Path.GetTempPath(), "portal-bench-publish");
        await RunAsync("dotnet", $"publish \"{Path.Combine(repoRoot, "Portal", "Portal.csproj")}\" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o \"{publish}\" -nologo -v q", repoRoot);
        return publish;
    }

    /// <summary>Starts the published portal on a fresh SQLite file; kill the process when done.</summary>
    public static async Task<(Process Process, string BaseUrl)> StartPublishedAsync(string publish, string repoRoot)
    {
        var dir = Directory.CreateTempSubdirectory("portal-bench-pub-").FullName;
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo("dotnet", $"\"{Path.Combine(publish, "Portal.dll")}\" --urls http://127.0.0.1:{port}")
        {
            WorkingDirectory = publish, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Staging", ["DevTools__Enabled"] = "true", ["Portal__PublicBaseUrl"] = $"http://127.0.0.1:{port}/", ["ConnectionStrings__Portal"] = $"Data Source={Path.Combine(dir, "portal.db")}",
                ["Marketplace__Mode"] = "Simulator", ["Marketplace__Products__0__ProductCode"] = BenchPortal.Product,
                ["Marketplace__Products__0__Name"] = "Bench Analytics", ["Email__Mode"] = "Mailbox", ["Brand__AssetsPath"] = Path.Combine(repoRoot, "wwwroot-assets"),
                ["Logging__LogLevel__Default"] = "Warning", ["AWS_EC2_METADATA_DISABLED"] = "true",
            },
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try { if ((await http.GetAsync($"http://127.0.0.1:{port}/health/ready")).StatusCode == HttpStatusCode.OK) break; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(50);
        }
        return (process, $"http://127.0.0.1:{port}");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string args, string cwd)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { WorkingDirectory = cwd, UseShellExecute = false })!;
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {args} failed with {p.ExitCode}.");
    }
}
