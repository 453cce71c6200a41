using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Portal.Marketplace;
using Portal.Marketplace.Simulator;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Operations;

/// <summary>What /metrics shows a scraper, and what a landing looks like as a trace.</summary>
public sealed class TelemetryTests
{
    private static FormUrlEncodedContent Form(string token) => new([new("x-amzn-marketplace-token", token)]);

    [Fact]
    public async Task Static_assets_add_no_http_route_series_nor_spans_while_endpoints_do()
    {
        var exported = new ExportedActivities();
        await using var app = new PortalAppFactory(configureServices: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported)));
        // Every request in one trace of ours, so the spans of other tests' portals in this process are told apart.
        var traceId = ActivityTraceId.CreateRandom();
        using var browser = Caller(app);
        async Task<HttpStatusCode> SendAsync(HttpMethod method, string path, HttpContent? content = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
            return (await browser.SendAsync(request)).StatusCode;
        }
        string[] assets = ["/_content/MudBlazor/MudBlazor.min.css", "/_content/MudBlazor/MudBlazor.min.js", "/app.css", "/portal-forms.js"];
        foreach (var asset in assets)
            Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, asset));
        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, SimulatedOffer.Payg, "620000000001");
        Assert.Equal(HttpStatusCode.SeeOther, await SendAsync(HttpMethod.Post, "/marketplace/landing", Form(token)));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, "/health/live"));

        var text = await (await browser.GetAsync("/metrics")).Content.ReadAsStringAsync();

        var routes = Regex.Matches(text, "^http_server_request_duration_seconds_count\\{[^}]*http_route=\"([^\"]*)\"", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("/marketplace/landing", routes);
        Assert.Contains("/health/live", routes);
        Assert.DoesNotContain(routes, IsAsset);
        // The assets' requests were answered before the landing began: had they spans, those were exported before its.
        var trace = await exported.WaitForAsync(traceId, IsLandingRequest);
        Assert.DoesNotContain(trace, a => a.Kind == ActivityKind.Server && (IsAsset(a.GetTagItem("http.route") as string ?? "") || IsAsset(a.DisplayName)));
    }

    private static bool IsAsset(string route) => route.Contains("MudBlazor", StringComparison.Ordinal)
        || route.Contains("app.css", StringComparison.Ordinal) || route.Contains("portal-forms", StringComparison.Ordinal);

    [Fact]
    public async Task A_landing_is_one_trace_with_the_AWS_calls_inside_the_request()
    {
        var exported = new ExportedActivities();
        await using var app = new PortalAppFactory(configureServices: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported)));
        var token = app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.ContractProduct, SimulatedOffer.Contract, "620000000002");
        // The caller's trace context (as a load balancer would send): it names this landing's trace among every
        // activity of the process, whatever other tests run alongside.
        var traceId = ActivityTraceId.CreateRandom();
        var caller = ActivitySpanId.CreateRandom();
        using var browser = Caller(app);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/marketplace/landing") { Content = Form(token) };
        request.Headers.Add("traceparent", $"00-{traceId}-{caller}-01");

        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SendAsync(request)).StatusCode);

        var trace = await exported.WaitForAsync(traceId, IsLandingRequest);
        var landing = Assert.Single(trace, IsLandingRequest);
        Assert.Equal(caller, landing.ParentSpanId);
        var resolve = Assert.Single(trace, a => a.Source.Name == MarketplaceActivities.SourceName && a.OperationName == "ResolveCustomer");
        var entitlements = trace.Where(a => a.Source.Name == MarketplaceActivities.SourceName && a.OperationName == "GetEntitlements").ToList();
        Assert.NotEmpty(entitlements);
        Assert.Equal(landing.SpanId, resolve.ParentSpanId);
        Assert.All(entitlements, e => Assert.Equal(landing.SpanId, e.ParentSpanId));
        Assert.Equal(("aws-api", "AWSMPMeteringService"), (resolve.GetTagItem("rpc.system"), resolve.GetTagItem("rpc.service")));
        Assert.Equal(ActivityStatusCode.Unset, resolve.Status);
        // Each AWS call's HTTP request (here to the simulator) is its child, in the same trace.
        Assert.Contains(trace, a => a.Kind == ActivityKind.Client && a.Source.Name != MarketplaceActivities.SourceName && a.ParentSpanId == resolve.SpanId);
        Assert.All(entitlements, e => Assert.Contains(trace, a => a.Kind == ActivityKind.Client && a.ParentSpanId == e.SpanId));
    }

    [Fact]
    public async Task A_failed_AWS_call_is_an_error_span_naming_AWS_s_error()
    {
        var exported = new ExportedActivities();
        await using var app = new PortalAppFactory(configureServices: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported)));
        var traceId = ActivityTraceId.CreateRandom();
        using var browser = Caller(app);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/marketplace/landing") { Content = Form("not-a-token") };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        Assert.Equal(HttpStatusCode.BadRequest, (await browser.SendAsync(request)).StatusCode);

        var trace = await exported.WaitForAsync(traceId, IsLandingRequest);
        var resolve = Assert.Single(trace, a => a.OperationName == "ResolveCustomer");
        Assert.Equal(ActivityStatusCode.Error, resolve.Status);
        Assert.Equal("InvalidTokenException", resolve.GetTagItem("error.type"));
    }

    /// <summary>
    /// A client that sends the traceparent it is given: the test process's own HttpClient is traced too (the portal's
    /// tracer listens process-wide) and would otherwise replace it with a trace of its own.
    /// </summary>
    private static HttpClient Caller(PortalAppFactory app) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, ActivityHeadersPropagator = null }) { BaseAddress = app.BaseAddress };

    private static bool IsLandingRequest(Activity a) =>
        a.Kind == ActivityKind.Server && a.GetTagItem("http.route") as string == "/marketplace/landing";

    /// <summary>The in-memory exporter's list, safe to read while the portal exports into it.</summary>
    private sealed class ExportedActivities : Collection<Activity>
    {
        protected override void InsertItem(int index, Activity item)
        {
            lock (this) base.InsertItem(index, item);
        }

        private List<Activity> Of(ActivityTraceId traceId)
        {
            lock (this) return [.. this.Where(a => a.TraceId == traceId)];
        }

        /// <summary>The trace's activities once one matching <paramref name="done"/> was exported (a server span ends after its response).</summary>
        public async Task<List<Activity>> WaitForAsync(ActivityTraceId traceId, Func<Activity, bool> done)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            while (!timeout.IsCancellationRequested)
            {
                var trace = Of(traceId);
                if (trace.Any(done)) return trace;
                try { await Task.Delay(50, timeout.Token); } catch (OperationCanceledException) { }
            }
            List<Activity> all;
            lock (this) all = [.. this];
            throw new Xunit.Sdk.XunitException($"Trace {traceId} was not exported within 15 s; it held: {string.Join(", ", Of(traceId).Select(a => $"{a.Source.Name}:{a.DisplayName}"))}; "
                + $"all {all.Count} exported: {string.Join(", ", all.Take(20).Select(a => $"{a.Source.Name}:{a.DisplayName}:{a.TraceId}:{a.ParentSpanId}"))}");
        }
    }
}
