using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Operations;

/// <summary>OTLP export is on only with the standard OTEL_EXPORTER_OTLP_ENDPOINT, and then carries traces and metrics.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task With_OTEL_EXPORTER_OTLP_ENDPOINT_traces_and_metrics_reach_the_collector()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var app = new PortalAppFactory(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.BaseUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });

        await app.LandAsync("630000000001");
        Flush(app);

        var received = collector.Received.ToList();
        Assert.Contains(received, r => r.Path == "/v1/traces" && r.ContentType == "application/x-protobuf" && r.Text.Contains("ResolveCustomer"));
        Assert.Contains(received, r => r.Path == "/v1/metrics" && r.Text.Contains("portal.landings"));
        Assert.Contains(app.Logs.Lines, l => l.Contains($"Traces and metrics are exported over OTLP to {collector.BaseUrl}"));
    }

    [Fact]
    public async Task Without_it_nothing_is_sent_to_the_default_collector_address()
    {
        // Where a registered exporter sends when no endpoint is given (OTLP/HTTP's default, localhost:4318): listened
        // to here, so an exporter registered regardless would show.
        await using var collector = await OtlpCollector.StartAsync(OtlpDefaultPort);
        await using var app = new PortalAppFactory(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" });

        await app.LandAsync("630000000002");
        Flush(app);

        Assert.Empty(collector.Received);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("exported over OTLP"));
    }

    private const int OtlpDefaultPort = 4318;

    /// <summary>
    /// Exports now rather than after the batch delay and the export interval: no waiting on a clock. The meter
    /// provider's answer is not asked for: it flushes every reader, and the Prometheus one (pull only) reports false
    /// outside a scrape.
    /// </summary>
    private static void Flush(PortalAppFactory app)
    {
        Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);
    }

    /// <summary>An OTLP/HTTP receiver: keeps every export request; protobuf strings (span and metric names) read as UTF-8.</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        public sealed record Export(string Path, string? ContentType, string Text)
        {
            public override string ToString() => $"{Path} ({ContentType}, {Text.Length} characters)"; // protobuf reads badly in a message
        }

        private readonly WebApplication app;
        public ConcurrentQueue<Export> Received { get; } = new();

        private OtlpCollector(WebApplication app) => this.app = app;

        public string BaseUrl => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        /// <param name="port">0 for any free port on 127.0.0.1; otherwise that port on localhost (IPv4 and IPv6).</param>
        public static async Task<OtlpCollector> StartAsync(int port = 0)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls(port == 0 ? "http://127.0.0.1:0" : $"http://localhost:{port}");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var collector = new OtlpCollector(app);
            app.MapPost("/v1/{signal}", async (HttpContext ctx) =>
            {
                using var body = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(body);
                collector.Received.Enqueue(new Export(ctx.Request.Path, ctx.Request.ContentType, Encoding.UTF8.GetString(body.ToArray())));
                return Results.Bytes([], "application/x-protobuf"); // an empty Export*ServiceResponse: all accepted
            });
            try
            {
                await app.StartAsync();
            }
            catch (IOException ex)
            {
                throw new InvalidOperationException($"Port {port} is taken by another program: this test cannot tell what the portal sends there.", ex);
            }
            return collector;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
