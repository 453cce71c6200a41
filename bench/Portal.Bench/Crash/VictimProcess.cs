using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Portal.Bench.Crash;

/// <summary>
/// The built portal (Portal/bin/Release/…/Portal.dll) as its own operating-system process on a fixed port, so it can
/// be killed with SIGKILL and started again on the same address (the browsers and the usage client keep their URL).
/// A copy of Portal.Tests' PortalProcess idea: the bench cannot reference the test project.
/// </summary>
public sealed class VictimProcess : IAsyncDisposable
{
    private readonly string dll;
    private readonly IDictionary<string, string?> settings;
    private readonly Queue<string> tail = new();
    private readonly object gate = new();
    private Process? process;
    private TaskCompletionSource up = NewSignal();
    private TaskCompletionSource killed = NewSignal();

    public Uri BaseAddress { get; }
    private int kills;
    public int Kills { get { lock (gate) return kills; } }
    public int Starts { get; private set; }
    /// <summary>Time from process start to /health/ready, summed over every start.</summary>
    public TimeSpan StartTime { get; private set; }
    private long progress;

    /// <summary>Work the clients got done (a wizard step taken, a usage event accepted): the killer waits for some after each start.</summary>
    public long Progress => Interlocked.Read(ref progress);
    public void Advanced() => Interlocked.Increment(ref progress);
    /// <summary>Lines with "fail:" or "crit:" the portal logged, over all its lives: read, never asserted blindly.</summary>
    public List<string> Failures { get; } = [];

    public VictimProcess(string repo, IDictionary<string, string?> settings)
    {
        dll = Directory.GetFiles(Path.Combine(repo, "Portal", "bin"), "Portal.dll", SearchOption.AllDirectories)
            .Where(f => f.Contains("Release")).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            ?? throw new InvalidOperationException("Portal.dll (Release) not found: build the solution with -c Release first.");
        this.settings = settings;
        BaseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
    }

    /// <summary>Completes when the portal answers /health/ready (at once if it does now).</summary>
    public Task WaitUpAsync() { lock (gate) return up.Task; }

    /// <summary>Completes at the next SIGKILL: work in flight races against it instead of waiting for timeouts.</summary>
    public Task NextKill { get { lock (gate) return killed.Task; } }

    public bool IsUp { get { lock (gate) return up.Task.IsCompleted; } }

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\" --urls {BaseAddress.ToString().TrimEnd('/')}")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // Production-like, but not Production, which refuses the simulator the crash test runs with.
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Staging";
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment["Portal__PublicBaseUrl"] = BaseAddress.ToString();
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__")] = value;
        var started = Stopwatch.StartNew();
        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, e) => Keep(e.Data);
        p.ErrorDataReceived += (_, e) => Keep(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        lock (gate) process = p;
        Starts++;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; i < 1200; i++)
        {
            if (p.HasExited) throw new InvalidOperationException("The portal process exited:\n" + Tail());
            try
            {
                if ((await http.GetAsync(new Uri(BaseAddress, "health/ready"))).StatusCode == HttpStatusCode.OK)
                {
                    StartTime += started.Elapsed;
                    lock (gate) up.TrySetResult();
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("The portal process did not become ready:\n" + Tail());
    }

    /// <summary>SIGKILL (Process.Kill on Unix): no shutdown hooks, no flushing, like a power cut of this process.</summary>
    public async Task KillAsync()
    {
        Process? p;
        lock (gate)
        {
            p = process;
            up = NewSignal();
            var k = killed;
            killed = NewSignal();
            k.TrySetResult();
            // Counted with the signal, before the process is gone: an action that fails while the kill is under way
            // (connection refused) must be seen as the kill's doing, not as a step that stalled with the portal up.
            kills++;
        }
        if (p is null) return;
        if (!p.HasExited) p.Kill();
        await p.WaitForExitAsync();
        p.Dispose();
        lock (tail) log?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} ===== SIGKILL {Kills} =====");
    }

    private StreamWriter? log;

    /// <summary>--keep: every line the portal writes, over all its lives, with the time it came and a mark at each kill.</summary>
    public void LogTo(string path) => log = new StreamWriter(path) { AutoFlush = true };

    public string Tail() { lock (tail) return string.Join('\n', tail); }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (tail)
        {
            log?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
            tail.Enqueue(line);
            while (tail.Count > 300) tail.Dequeue();
            if (line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal)) Failures.Add(line);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        lock (tail) { log?.Dispose(); log = null; }
        Process? p;
        lock (gate) p = process;
        if (p is null) return;
        try { if (!p.HasExited) p.Kill(); await p.WaitForExitAsync(); } catch (InvalidOperationException) { }
        p.Dispose();
    }
}
