using System.Text.Json;
using Microsoft.Extensions.Options;
using Portal.Marketplace.Aws;

namespace Portal.Marketplace.Simulator;

/// <summary>
/// The AWS Marketplace APIs as AWS JSON 1.1, on this process, so the real typed clients (and AWS's own SDKs)
/// talk to it exactly as to AWS: same targets, same SigV4 check, same error bodies.
/// </summary>
public static class SimulatorEndpoints
{
    public const string AccessKeyId = "SIMULATOR";
    public const string SecretAccessKey = "simulator-secret-not-an-aws-key";
    private const string JsonContentType = "application/x-amz-json-1.1";

    public static IEndpointRouteBuilder MapMarketplaceSimulator(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_simulator/aws").ExcludeFromDescription();
        // Published for anyone curious; the portal itself pins it rather than fetching it.
        app.MapGet(SimulatorNotifier.CertificatePath, (SimulatorNotifier n) => Results.Text(n.Certificate.ExportCertificatePem(), "application/x-pem-file"))
            .ExcludeFromDescription();
        group.MapPost("/metering/", (Delegate)((HttpContext ctx) => Handle(ctx, "AWSMPMeteringService", MeteringAsync)));
        group.MapPost("/entitlement/", (Delegate)((HttpContext ctx) => Handle(ctx, "AWSMPEntitlementService", EntitlementAsync)));
        return app;
    }

    private delegate Task<IResult> Operation(HttpContext ctx, string op, JsonElement body, string region);

    private static async Task<IResult> Handle(HttpContext ctx, string service, Operation operation)
    {
        var contentType = ctx.Request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(contentType, JsonContentType, StringComparison.OrdinalIgnoreCase))
            return Error(400, "SerializationException", $"Content-Type must be {JsonContentType}.");
        var target = ctx.Request.Headers["X-Amz-Target"].ToString();
        if (!target.StartsWith(service + ".", StringComparison.Ordinal))
            return Error(400, "UnknownOperationException", "Unknown X-Amz-Target.");
        var op = target[(service.Length + 1)..];
        // Counted on arrival, before any work a caller's timeout could cut short, so the count is every attempt sent.
        var fault = ctx.RequestServices.GetRequiredService<SimulatorState>().Faults.Receive(op);

        ctx.Request.EnableBuffering();
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        var body = ms.ToArray();

        var raw = ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? ctx.Request.Path.Value ?? "/";
        var q = raw.IndexOf('?');
        var headers = ctx.Request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? ""))).ToList();
        var time = ctx.RequestServices.GetRequiredService<TimeProvider>();
        var check = SigV4Verifier.Verify(new SigV4Verifier.Request(ctx.Request.Method, q < 0 ? raw : raw[..q], q < 0 ? "" : raw[q..], headers, body),
            key => key == AccessKeyId ? SecretAccessKey : null, time.GetUtcNow());
        if (!check.Valid) return Error(403, check.ErrorType!, check.Message!);
        if (check.Service != "aws-marketplace")
            return Error(403, "InvalidSignatureException", "Credential should be scoped to correct service: 'aws-marketplace'.");

        JsonElement json;
        try
        {
            using var doc = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            json = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Error(400, "SerializationException", "The request body is not valid JSON.");
        }
        if (json.ValueKind != JsonValueKind.Object) return Error(400, "SerializationException", "Expected a JSON object.");
        return await FaultAsync(ctx, fault) ?? await operation(ctx, op, json, check.Region!);
    }

    /// <summary>An outage switched on for this operation answers instead of the operation (after the signature check, as AWS would).</summary>
    private static async Task<IResult?> FaultAsync(HttpContext ctx, SimulatorFault fault)
    {
        switch (fault)
        {
            case SimulatorFault.Throttle:
                return Error(400, "ThrottlingException", "Rate exceeded.");
            case SimulatorFault.Fail:
                return Error(500, "InternalServiceErrorException", "An internal error occurred.");
            case SimulatorFault.ExpiredCredentials:
                return Error(403, "ExpiredTokenException", "The security token included in the request is expired");
            case SimulatorFault.Hang:
                // Nothing comes back until the caller gives up. The limit that ends a forgotten request runs on the
                // machine's clock, not the portal's TimeProvider, which tests may hold still.
                try { await Task.Delay(SimulatorFaults.HangLimit, TimeProvider.System, ctx.RequestAborted); }
                catch (OperationCanceledException) { }
                return Results.Empty;
            default:
                return null;
        }
    }

    private static async Task<IResult> MeteringAsync(HttpContext ctx, string op, JsonElement body, string region)
    {
        var sp = ctx.RequestServices;
        switch (op)
        {
            case "ResolveCustomer":
                return await SimulatorOperations.ResolveCustomerAsync(sp.GetRequiredService<SimulatorTokens>(),
                    sp.GetRequiredService<SimulatorState>(), sp.GetRequiredService<TimeProvider>(), body, region, ctx.RequestAborted);
            case "BatchMeterUsage":
                return SimulatorOperations.BatchMeterUsage(sp.GetRequiredService<SimulatorState>(), sp.GetRequiredService<TimeProvider>(), body);
            default:
                return Error(400, "UnknownOperationException", $"Unknown operation {op}.");
        }
    }

    private static Task<IResult> EntitlementAsync(HttpContext ctx, string op, JsonElement body, string region) =>
        Task.FromResult(op == "GetEntitlements"
            ? SimulatorOperations.GetEntitlements(ctx.RequestServices.GetRequiredService<SimulatorState>(), body)
            : Error(400, "UnknownOperationException", $"Unknown operation {op}."));

    internal static IResult Ok<T>(T body) =>
        Results.Text(JsonSerializer.Serialize(body, AwsJsonTransport.Json), JsonContentType, statusCode: 200);

    internal static IResult Error(int status, string type, string message) => new AwsErrorResult(status, type, message);

    private sealed class AwsErrorResult(int status, string type, string message) : IResult
    {
        public Task ExecuteAsync(HttpContext ctx)
        {
            ctx.Response.StatusCode = status;
            ctx.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            ctx.Response.Headers["X-Amzn-ErrorType"] = type;
            ctx.Response.ContentType = JsonContentType;
            return ctx.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }));
        }
    }
}
