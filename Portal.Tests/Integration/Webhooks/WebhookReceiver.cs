using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.Tests.Integration.Webhooks;

/// <summary>
/// The vendor's product as the README tells it to receive webhooks, written from that recipe alone (its own HMAC code,
/// nothing from the portal): parse t and v1, recompute the HMAC over t + "." + body, compare in constant time, reject
/// a timestamp more than five minutes off, and de-duplicate by event id. Tests script what it answers after checking.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Request(string? EventIdHeader, string? EventTypeHeader, string? ContentType, string? Signature, string Body);

    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private readonly WebApplication app;
    private readonly string secret;
    private readonly ConcurrentDictionary<string, bool> seen = new();
    private int count;

    /// <summary>Every request, in arrival order, whatever was answered.</summary>
    public ConcurrentQueue<Request> Requests { get; } = new();
    /// <summary>Events verified and processed for the first time.</summary>
    public ConcurrentQueue<JsonElement> Accepted { get; } = new();
    /// <summary>Why requests were refused: "malformed", "signature" or "timestamp".</summary>
    public ConcurrentQueue<string> Rejected { get; } = new();
    public int Duplicates;
    /// <summary>What to answer a verified request, by its number (1-based) among all requests; 2xx means "processed".</summary>
    public Func<int, int> Answer { get; set; } = _ => 200;

    private WebhookReceiver(WebApplication app, string secret)
    {
        this.app = app;
        this.secret = secret;
    }

    public Uri Url => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks/portal");

    public static async Task<WebhookReceiver> StartAsync(string secret, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, secret);
        app.MapPost("/hooks/portal", (Func<HttpContext, Task<IResult>>)receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    private async Task<IResult> HandleAsync(HttpContext ctx)
    {
        // The signature covers the raw bytes: read them before any JSON parsing.
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms);
        var body = Encoding.UTF8.GetString(ms.ToArray());
        var header = ctx.Request.Headers["Portal-Signature"].FirstOrDefault();
        Requests.Enqueue(new Request(ctx.Request.Headers["Portal-Event-Id"].FirstOrDefault(), ctx.Request.Headers["Portal-Event-Type"].FirstOrDefault(),
            ctx.Request.ContentType, header, body));
        var n = Interlocked.Increment(ref count);

        if (Check(header, body, DateTimeOffset.UtcNow) is { } refusal)
        {
            Rejected.Enqueue(refusal);
            return Results.Text(refusal, statusCode: 401);
        }
        var status = Answer(n);
        if (status is < 200 or > 299) return Results.StatusCode(status);

        using var json = JsonDocument.Parse(body);
        var id = json.RootElement.GetProperty("id").GetString()!;
        if (!seen.TryAdd(id, true))
        {
            Interlocked.Increment(ref Duplicates);
            return Results.Ok(); // already processed: acknowledge so the sender stops, do nothing else
        }
        Accepted.Enqueue(json.RootElement.Clone());
        return Results.StatusCode(status);
    }

    /// <summary>The README's recipe; null when the request is genuine.</summary>
    private string? Check(string? header, string body, DateTimeOffset now)
    {
        string? t = null;
        var v1 = new List<string>();
        foreach (var part in (header ?? "").Split(','))
        {
            var kv = part.Trim().Split('=', 2);
            if (kv.Length != 2) return "malformed";
            if (kv[0] == "t") t = kv[1];
            else if (kv[0] == "v1") v1.Add(kv[1]);
        }
        if (t is null || v1.Count == 0 || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return "malformed";

        var expected = Encoding.ASCII.GetBytes(Hmac(secret, t + "." + body));
        if (!v1.Any(s => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s.ToLowerInvariant())))) return "signature";
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > Tolerance.TotalSeconds) return "timestamp";
        return null;
    }

    /// <summary>Lower-case hex HMAC-SHA256; also lets a test forge a correctly signed but stale request.</summary>
    public static string Hmac(string secret, string text)
    {
        using var mac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        return Convert.ToHexString(mac.ComputeHash(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
