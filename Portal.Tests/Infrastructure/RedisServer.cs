using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A real Redis for tests. By default the test starts its own Debian redis-server on a free loopback port (no disk
/// writes) and stops it afterwards; with PORTAL_TEST_REDIS (host:port, exported by ./test.sh) that server is used
/// instead. Either way each fixture has its own key prefix, so tests never see each other's keys.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Variable = "PORTAL_TEST_REDIS";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private Process? process;
    private readonly List<string> output = [];
    private ConnectionMultiplexer? client;

    public string Configuration { get; }
    public int Port { get; }
    /// <summary>Given to the portal as Redis:KeyPrefix.</summary>
    public string KeyPrefix { get; } = $"test-{Guid.NewGuid():N}:";

    private RedisServer(string configuration, int port) => (Configuration, Port) = (configuration, port);

    /// <summary>The portal settings that point at this server.</summary>
    public Dictionary<string, string?> Settings => new() { ["Redis:Configuration"] = Configuration, ["Redis:KeyPrefix"] = KeyPrefix };

    /// <param name="own">Always start a private server (a test that stops it must not stop a shared one).</param>
    public static async Task<RedisServer> StartAsync(bool own = false)
    {
        if (!own && Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            var shared = new RedisServer(given, int.Parse(given[(given.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            if (!await shared.PingAsync(TimeSpan.FromSeconds(5)))
                Assert.Fail($"{Variable}={given} does not answer PING: start that Redis, or unset {Variable} to let the test start its own redis-server.");
            return shared;
        }
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
        if (binary is null)
            Assert.Fail($"These tests need a real Redis: install Debian's redis-server (./test.sh does) or set {Variable}=host:port.");
        var port = MaildevServer.FreePort();
        var server = new RedisServer($"127.0.0.1:{port}", port);
        await server.LaunchAsync(binary);
        return server;
    }

    private async Task LaunchAsync(string binary)
    {
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
            psi.ArgumentList.Add(a);
        process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } l) lock (output) output.Add(l); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) lock (output) output.Add(l); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!await PingAsync(StartTimeout))
        {
            await StopAsync();
            lock (output) Assert.Fail($"redis-server on port {Port} did not answer PING within {StartTimeout.TotalSeconds} s:\n" + string.Join('\n', output));
        }
    }

    /// <summary>Stops this test's own server: an outage.</summary>
    public async Task StopAsync()
    {
        if (process is null) throw new InvalidOperationException("Only a server the test started itself can be stopped.");
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Raw RESP PING until +PONG or the timeout: no client library between the test and the server's state.</summary>
    private async Task<bool> PingAsync(TimeSpan timeout)
    {
        var host = Configuration[..Configuration.LastIndexOf(':')];
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process is { HasExited: true }) return false;
            try
            {
                using var tcp = new TcpClient();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await tcp.ConnectAsync(host, Port, cts.Token);
                var stream = tcp.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), cts.Token);
                var buffer = new byte[16];
                var n = await stream.ReadAsync(buffer, cts.Token);
                if (Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal)) return true;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or IOException) { }
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>A client for the test's own look at what the portal stored.</summary>
    public async Task<IDatabase> DatabaseAsync()
    {
        client ??= await ConnectionMultiplexer.ConnectAsync(Configuration);
        return client.GetDatabase();
    }

    public async ValueTask DisposeAsync()
    {
        if (process is null)
        {
            // A shared server: remove this fixture's keys (rate-limit windows would only expire with their window).
            client ??= await ConnectionMultiplexer.ConnectAsync(Configuration);
            if (client.IsConnected)
                foreach (var key in client.GetServers().First().Keys(pattern: "*" + KeyPrefix + "*")) await client.GetDatabase().KeyDeleteAsync(key);
        }
        if (client is not null) await client.DisposeAsync();
        if (process is not null)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }
}
