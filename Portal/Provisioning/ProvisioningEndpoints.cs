using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Portal.Provisioning;

namespace Microsoft.AspNetCore.Routing;

/// <summary>
/// /api/v1/organizations…: the vendor's product brings in the customers it already has, with a vendor API key
/// (<c>Authorization: Bearer vpk_…</c> or <c>X-Api-Key</c>). PUT creates or updates by the vendor's external ids;
/// every answer that is not a success is an RFC 7807 problem (field errors as validation problem details).
/// </summary>
public static class ProvisioningEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;
    private const string KeyItem = "provisioning.key";

    public sealed record OrganizationBody(string? Name);
    public sealed record MemberBody(string? Role, string? Name);
    public sealed record WorkspaceBody(string? Name, string? Site, string? Language);

    public static IEndpointRouteBuilder MapProvisioning(this IEndpointRouteBuilder app)
    {
        // Limited like the usage API: the same policy, partitioned by the presented key.
        var group = app.MapGroup("/api/v1/organizations").DisableAntiforgery().RequireRateLimiting(Portal.Operations.RateLimits.Usage)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).ExcludeFromDescription().AddEndpointFilter(AuthenticateAsync);
        group.MapGet("", (Delegate)ListAsync);
        group.MapGet("/{externalId}", (Delegate)GetAsync);
        group.MapPut("/{externalId}", (Delegate)PutOrganizationAsync);
        group.MapPut("/{externalId}/members/{email}", (Delegate)PutMemberAsync);
        group.MapPut("/{externalId}/workspaces/{workspaceExternalId}", (Delegate)PutWorkspaceAsync);
        return app;
    }

    private static async ValueTask<object?> AuthenticateAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var ctx = context.HttpContext;
        // A program reads the status and the JSON: no HTML error page in its place.
        if (ctx.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        var presented = ctx.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? auth["Bearer ".Length..].Trim() : ctx.Request.Headers["X-Api-Key"].ToString();
        var key = await ctx.RequestServices.GetRequiredService<VendorApiKeyService>().AuthenticateAsync(presented, ctx.RequestAborted);
        if (key is null)
        {
            ctx.Response.Headers.WWWAuthenticate = "Bearer";
            return Problem(StatusCodes.Status401Unauthorized, "invalid-api-key", "A valid vendor API key is required (Authorization: Bearer vpk_…); create one in the console.");
        }
        // Per valid key, after the lookup (the endpoint's policy limits per client before it): the usage API's budget.
        if (await ctx.RequestServices.GetRequiredService<Portal.Operations.UsageKeyLimits>().AdmitAsync(ctx, key.Id) is { } refused) return refused;
        ctx.Items[KeyItem] = key;
        return await next(context);
    }

    private static string Actor(HttpContext ctx) => $"vendorkey {((VendorApiKey)ctx.Items[KeyItem]!).Id}";

    private static async Task<IResult> ListAsync(HttpContext ctx, ProvisioningService service, int? offset, int? limit)
    {
        var skip = Math.Max(0, offset ?? 0);
        var take = Math.Clamp(limit ?? 50, 1, 200);
        var (items, total) = await service.ListAsync(skip, take, ctx.RequestAborted);
        return Results.Json(new { items, total, offset = skip, limit = take });
    }

    private static async Task<IResult> GetAsync(HttpContext ctx, ProvisioningService service, string externalId) =>
        await service.GetAsync(externalId, ctx.RequestAborted) is { } view ? Results.Json(view) : NotFound();

    private static async Task<IResult> PutOrganizationAsync(HttpContext ctx, ProvisioningService service, string externalId)
    {
        var (body, problem) = await ReadAsync<OrganizationBody>(ctx);
        if (problem is not null) return problem;
        return Answer(await service.PutOrganizationAsync(new(externalId, body!.Name), Actor(ctx), ctx.RequestAborted), $"/api/v1/organizations/{externalId}");
    }

    private static async Task<IResult> PutMemberAsync(HttpContext ctx, ProvisioningService service, string externalId, string email)
    {
        var (body, problem) = await ReadAsync<MemberBody>(ctx);
        if (problem is not null) return problem;
        return Answer(await service.PutMemberAsync(new(externalId, email, body!.Role, body.Name), Actor(ctx), ctx.RequestAborted),
            $"/api/v1/organizations/{externalId}");
    }

    private static async Task<IResult> PutWorkspaceAsync(HttpContext ctx, ProvisioningService service, string externalId, string workspaceExternalId)
    {
        var (body, problem) = await ReadAsync<WorkspaceBody>(ctx);
        if (problem is not null) return problem;
        return Answer(await service.PutWorkspaceAsync(new(externalId, workspaceExternalId, body!.Name, body.Site, body.Language), Actor(ctx), ctx.RequestAborted),
            $"/api/v1/organizations/{externalId}");
    }

    private static IResult Answer<T>(ProvisionResult<T> result, string location) => result.Status switch
    {
        ProvisionStatus.Created => Results.Json(result.Value, statusCode: StatusCodes.Status201Created),
        ProvisionStatus.Updated => Results.Json(result.Value),
        ProvisionStatus.Invalid => Results.ValidationProblem(result.Errors!, title: "invalid-request", type: "https://docs.portal/errors/invalid-request",
            detail: "Some fields are not valid; nothing was stored."),
        ProvisionStatus.NotFound => NotFound(),
        _ => result.Code switch
        {
            "last-admin" => Problem(StatusCodes.Status409Conflict, "last-admin", "This member is the organization's only admin; make another member Admin first."),
            "workspace-site-fixed" => Problem(StatusCodes.Status409Conflict, "workspace-site-fixed", "A workspace's site and language are fixed at creation; they differ from the stored ones."),
            "workspace-name-taken" => Problem(StatusCodes.Status409Conflict, "workspace-name-taken", "Another workspace of this organization has this name."),
            _ => Problem(StatusCodes.Status409Conflict, result.Code ?? "conflict", $"The request conflicts with {location}."),
        },
    };

    private static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpContext ctx) where T : class
    {
        if (!(ctx.Request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Send the body as application/json."));
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(ctx.Request.Body, JsonSerializerOptions.Web, ctx.RequestAborted);
            return body is null ? (null, Problem(StatusCodes.Status400BadRequest, "malformed-json", "The body must be a JSON object.")) : (body, null);
        }
        catch (JsonException) { return (null, Problem(StatusCodes.Status400BadRequest, "malformed-json", "The body is not valid JSON of the expected shape.")); }
        catch (BadHttpRequestException) { return (null, Problem(StatusCodes.Status413PayloadTooLarge, "too-large", $"The body is larger than {MaxBodyBytes} bytes.")); }
    }

    private static IResult NotFound() =>
        Problem(StatusCodes.Status404NotFound, "organization-not-found", "No organization has this external id; PUT /api/v1/organizations/{externalId} creates it.");

    private static IResult Problem(int status, string code, string detail) =>
        Results.Problem(statusCode: status, title: code, detail: detail, type: $"https://docs.portal/errors/{code}");
}
