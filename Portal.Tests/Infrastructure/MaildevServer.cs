using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Portal.Tests.Infrastructure;

/// <summary>A real SMTP server for tests: maildev from npm (installed by test.sh), read back through its HTTP API.</summary>
public sealed class MaildevServer : IAsyncDisposable
{
    private readonly Process process;
    private readonly HttpClient http;

    private MaildevServer(Process process, int smtpPort, int webPort)
    {
        this.process = process;
        SmtpPort = smtpPort;
        http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}/") };
    }

    public int SmtpPort { get; }

    public static int FreePort() => TestPorts.Next();

    public static async Task<MaildevServer> StartAsync(int? smtpPort = null)
    {
        var bin = RepoPaths.Combine("tests", "js", "node_modules", ".bin", "maildev");
        Assert.True(File.Exists(bin), "maildev is missing: run ./test.sh (it installs tests/js).");
        var (smtp, web) = (smtpPort ?? FreePort(), FreePort());
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { bin, "--smtp", smtp.ToString(), "--web", web.ToString(), "--ip", "127.0.0.1", "--web-ip", "127.0.0.1" })
            psi.ArgumentList.Add(a);
        var server = new MaildevServer(Process.Start(psi)!, smtp, web);
        server.process.OutputDataReceived += (_, _) => { };
        server.process.ErrorDataReceived += (_, _) => { };
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        // Bounded but generous: node takes seconds to start on a loaded machine (seen: 13 s at a load of 60).
        for (var i = 0; i < 600; i++)
        {
            if (server.process.HasExited) break;
            try
            {
                if ((await server.http.GetAsync("api/email")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new InvalidOperationException("maildev did not start.");
    }

    public async Task<List<JsonElement>> MessagesAsync()
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync("api/email"));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>The message as the server received it (headers and MIME parts).</summary>
    public Task<string> SourceAsync(JsonElement message) =>
        http.GetStringAsync($"api/email/{message.GetProperty("id").GetString()}/source");

    /// <summary>Waits (bounded) until a message arrives; returns all messages then.</summary>
    public async Task<List<JsonElement>> WaitForMessagesAsync(int count = 1)
    {
        for (var i = 0; i < 200; i++)
        {
            var messages = await MessagesAsync();
            if (messages.Count >= count) return messages;
            await Task.Delay(100);
        }
        return await MessagesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await process.WaitForExitAsync();
        process.Dispose();
        http.Dispose();
    }
}
