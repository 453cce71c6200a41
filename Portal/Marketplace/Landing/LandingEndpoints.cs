using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Portal.Marketplace.Landing;
using Portal.Onboarding;

namespace Microsoft.AspNetCore.Routing;

public static class LandingEndpoints
{
    public const string TokenField = "x-amzn-marketplace-token";
    public const string WizardPath = "/onboarding";
    // Generous for a form holding one token of at most 4 KB; anything bigger is not AWS.
    private const long MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapMarketplaceLanding(this IEndpointRouteBuilder app)
    {
        // AWS's page posts cross-site with no antiforgery token of ours: this endpoint alone opts out.
        app.MapPost("/marketplace/landing", (Delegate)PostAsync).DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).RequireRateLimiting(Portal.Operations.RateLimits.Landing).ExcludeFromDescription();
        app.MapGet("/marketplace/landing", (Delegate)GetAsync).RequireRateLimiting(Portal.Operations.RateLimits.Landing).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> PostAsync(HttpContext ctx)
    {
        NoLeaks(ctx);
        if (!ctx.Request.HasFormContentType) return Problem(LandingProblem.MissingToken);
        string? token;
        try
        {
            var form = await ctx.Request.ReadFormAsync(new FormOptions
            {
                ValueLengthLimit = (int)MaxBodyBytes, KeyLengthLimit = 256, ValueCountLimit = 32, MultipartBodyLengthLimit = MaxBodyBytes,
            }, ctx.RequestAborted);
            token = form[TokenField].Count == 1 ? form[TokenField][0] : null;
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException or FormatException)
        {
            return Problem(LandingProblem.MissingToken);
        }
        return await LandAsync(ctx, token);
    }

    private static Task<IResult> GetAsync(HttpContext ctx)
    {
        NoLeaks(ctx);
        var values = ctx.Request.Query[TokenField];
        return LandAsync(ctx, values.Count == 1 ? values[0] : null);
    }

    private static async Task<IResult> LandAsync(HttpContext ctx, string? token)
    {
        token = token?.Trim();
        if (string.IsNullOrEmpty(token) || token.Length > LandingService.MaxTokenLength)
            return Problem(LandingProblem.MissingToken);

        var cookie = ctx.RequestServices.GetRequiredService<OnboardingCookie>();
        var service = ctx.RequestServices.GetRequiredService<LandingService>();
        var logger = ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LandingEndpoints));
        var metrics = ctx.RequestServices.GetRequiredService<Portal.Operations.PortalMetrics>();
        try
        {
            var result = await service.LandAsync(token, cookie.Read(ctx), ctx.RequestAborted);
            switch (result)
            {
                case LandingResult.Started started:
                    metrics.Landing("started");
                    cookie.Write(ctx, started.SessionId);
                    // 303: the browser follows with a GET, so a refresh never re-posts the token.
                    return new SeeOtherResult(WizardPath);
                case LandingResult.Failed failed:
                    metrics.Landing(failed.Problem.ToString());
                    return Problem(failed.Problem, failed.ProductCode, ctx);
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty; // the buyer went away
        }
        catch (Exception ex) when (Portal.Data.DbErrors.IsUnavailable(ex))
        {
            // Nothing was half-stored (each write is one transaction) and AWS's token can be used again: the buyer
            // retries from AWS's button. The database outage itself shows in /health/ready.
            logger.LogWarning("Landing could not be stored, the database is unavailable ({Error})", ex.GetBaseException().GetType().Name);
            return Problem(LandingProblem.PortalUnavailable, null, ctx);
        }
        catch (Exception ex)
        {
            // Something else of ours failed: the buyer gets a page, the operator the details.
            logger.LogError(ex, "Landing failed unexpectedly");
        }
        return Problem(LandingProblem.Unavailable, null, ctx);
    }

    private static RazorComponentResult Problem(LandingProblem problem, string? productCode = null, HttpContext? ctx = null)
    {
        // A passing outage (AWS or our database): tell browsers and proxies when trying again makes sense; the page
        // says "wait a minute" in words.
        if (problem is LandingProblem.Unavailable or LandingProblem.PortalUnavailable && ctx is not null)
            ctx.Response.Headers.RetryAfter = LandingProblemStatus.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new RazorComponentResult<Portal.Components.Pages.LandingProblemPage>(new { Problem = problem, ProductCode = productCode })
        {
            StatusCode = LandingProblemStatus.For(problem),
        };
    }

    /// <summary>The token may sit in this URL (GET form): never send it onwards as a referrer, never cache.</summary>
    private static void NoLeaks(HttpContext ctx)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext ctx)
        {
            ctx.Response.StatusCode = StatusCodes.Status303SeeOther;
            ctx.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
