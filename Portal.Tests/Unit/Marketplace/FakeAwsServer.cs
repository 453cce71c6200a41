using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Marketplace.Simulator;

namespace Portal.Tests.Unit.Marketplace;

/// <summary>
/// A local HTTP server standing in for an AWS endpoint: it records every request, recomputes its SigV4 signature
/// with the documented example key pair, and answers whatever the test scripts.
/// </summary>
public sealed class FakeAwsServer : IAsyncDisposable
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    public sealed record Received(string Method, string Path, string? Target, string? ContentType, string Body, SigV4Verifier.Result Signature, string Host,
        string? AmzDate = null, string? SecurityToken = null);

    private readonly WebApplication app;
    public ConcurrentQueue<Received> Requests { get; } = new();
    public Func<Received, int, Task<(int Status, string Body, string? ErrorHeader)>> Respond { get; set; } =
        (_, _) => Task.FromResult((200, "{}", (string?)null));

    private FakeAwsServer(WebApplication app) => this.app = app;

    public Uri Url => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    public static async Task<FakeAwsServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeAwsServer(app);
        var count = 0;
        app.Run(async ctx =>
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            var headers = ctx.Request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? ""))).ToList();
            var check = SigV4Verifier.Verify(new SigV4Verifier.Request(ctx.Request.Method, ctx.Request.Path.Value ?? "/", ctx.Request.QueryString.Value ?? "", headers, ms.ToArray()),
                k => k == AccessKey ? SecretKey : null, DateTimeOffset.UtcNow);
            var received = new Received(ctx.Request.Method, ctx.Request.Path.Value ?? "", ctx.Request.Headers["X-Amz-Target"].FirstOrDefault(),
                ctx.Request.ContentType, System.Text.Encoding.UTF8.GetString(ms.ToArray()), check, ctx.Request.Host.Value ?? "",
                ctx.Request.Headers["X-Amz-Date"].FirstOrDefault(), ctx.Request.Headers["X-Amz-Security-Token"].FirstOrDefault());
            server.Requests.Enqueue(received);
            var (status, body, errorHeader) = await server.Respond(received, Interlocked.Increment(ref count));
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/x-amz-json-1.1";
            if (errorHeader is not null) ctx.Response.Headers["X-Amzn-ErrorType"] = errorHeader;
            await ctx.Response.WriteAsync(body);
        });
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
