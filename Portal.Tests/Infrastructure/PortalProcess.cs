using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The built portal (Portal/bin/Release/…/Portal.dll) as a separate operating-system process on its own port, for
/// tests where "another instance" must share nothing with the test's own host but the database.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> output = [];

    public Uri BaseAddress { get; }
    public IReadOnlyList<string> Output { get { lock (output) return [.. output]; } }

    private PortalProcess(Process process, Uri baseAddress) => (this.process, BaseAddress) = (process, baseAddress);

    public static async Task<PortalProcess> StartAsync(IDictionary<string, string?> settings)
    {
        var dll = Directory.GetFiles(RepoPaths.Combine("Portal", "bin"), "Portal.dll", SearchOption.AllDirectories)
            .Where(f => f.Contains("Release")).OrderByDescending(File.GetLastWriteTimeUtc).First();
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\" --urls http://127.0.0.1:{port}")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // Production-like, but not Production, which refuses the simulator and dev tools these tests run with.
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Staging";
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment["Portal__PublicBaseUrl"] = $"http://127.0.0.1:{port}/"; // its e-mail links point at itself unless a test says otherwise
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__")] = value;
        var p = new PortalProcess(Process.Start(info)!, new Uri($"http://127.0.0.1:{port}/"));
        p.process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (p.output) p.output.Add(line); };
        p.process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (p.output) p.output.Add(line); };
        p.process.BeginOutputReadLine();
        p.process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 600; i++)
        {
            if (p.process.HasExited) throw new InvalidOperationException("The portal process exited:\n" + string.Join('\n', p.Output));
            try
            {
                if ((await http.GetAsync(new Uri(p.BaseAddress, "health/ready"))).StatusCode == HttpStatusCode.OK) return p;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("The portal process did not become ready:\n" + string.Join('\n', p.Output));
    }

    private static int FreePort() => TestPorts.Next();

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
