using Microsoft.AspNetCore.Identity;
using Portal.Accounts;
using Portal.Onboarding;

namespace Microsoft.AspNetCore.Routing;

/// <summary>The requests that must write the Identity cookie, which an interactive circuit cannot do.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/account").ExcludeFromDescription();
        group.MapGet("/handoff", (Delegate)HandoffAsync);
        group.MapGet("/verify", (Delegate)VerifyLinkAsync);
        group.MapGet("/signin/complete", (Delegate)SignInBinding.CompleteAsync);
        group.MapPost("/signout", async (HttpContext ctx, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery, SignInManager<ApplicationUser> signIn) =>
        {
            if (!await antiforgery.IsRequestValidAsync(ctx)) return Results.BadRequest();
            await signIn.SignOutAsync();
            // "Not you? Use another account" comes back to the page it was on; only a path of this site is followed.
            var back = ctx.Request.Form["returnUrl"].ToString();
            return Results.LocalRedirect(IsLocalPath(back) ? back : "/");
        });
        group.MapPost("/signout-everywhere", (Delegate)SignOutEverywhereAsync);
        return app;
    }

    private static bool IsLocalPath(string url) =>
        url.Length > 1 && url[0] == '/' && url[1] is not ('/' or '\\') && !url.Contains("://", StringComparison.Ordinal);

    /// <summary>
    /// Renews the security stamp, which every other cookie and live circuit of the account is checked against
    /// (Accounts:SessionRevalidation), then signs this browser out. Antiforgery is checked: a foreign page must not
    /// be able to sign a buyer out of everything.
    /// </summary>
    private static async Task<IResult> SignOutEverywhereAsync(HttpContext ctx, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery,
        SignInManager<ApplicationUser> signIn, UserManager<ApplicationUser> users, Portal.Data.PortalDbContext db, TimeProvider time)
    {
        if (!await antiforgery.IsRequestValidAsync(ctx)) return Results.BadRequest();
        if (await users.GetUserAsync(ctx.User) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
            db.AuditEvents.Add(new Portal.Audit.AuditEvent
            {
                Type = Portal.Audit.AuditEventTypes.SignedOutEverywhere, OccurredAt = time.GetUtcNow(), Actor = $"user {user.Id}",
            });
            await db.SaveChangesAsync(ctx.RequestAborted);
        }
        await signIn.SignOutAsync();
        return Results.LocalRedirect("/account/signin?signedout=everywhere");
    }

    /// <summary>Redeems a sign-in ticket from the wizard, sets the cookie and moves the wizard on.</summary>
    private static async Task<IResult> HandoffAsync(HttpContext ctx, string? ticket, AccountService accounts, OnboardingCookie cookie,
        OnboardingSessions sessions, SignInManager<ApplicationUser> signIn, UserManager<ApplicationUser> users)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.Headers["Referrer-Policy"] = "no-referrer";
        var sessionId = cookie.Read(ctx);
        var userId = await accounts.RedeemTicketAsync(ticket ?? "", sessionId, ctx.RequestAborted);
        var user = userId is null ? null : await users.FindByIdAsync(userId);
        if (user is null || sessionId is null) return Results.LocalRedirect(OnboardingRoutes.PathFor(OnboardingStep.Account) + "?signin=expired");
        await signIn.SignInAsync(user, isPersistent: false);
        var current = await sessions.FindAsync(sessionId, ctx.RequestAborted);
        var furthest = current is null ? null : await sessions.FurthestForUserAsync(user.Id, current.SubscriptionId, ctx.RequestAborted);
        if (current is not null && furthest is not null && furthest.Id != current.Id && furthest.Step > OnboardingStep.VerifyEmail)
        {
            // This buyer got further on another device: this browser continues that session.
            cookie.Write(ctx, furthest.Id);
            return Results.LocalRedirect(OnboardingRoutes.PathFor(furthest.Step));
        }
        return Results.LocalRedirect(await AdvanceAsync(sessions, sessionId.Value, user, ctx.RequestAborted));
    }

    /// <summary>The link in the verification e-mail. In the browser that registered, it also signs in and continues.</summary>
    private static async Task<IResult> VerifyLinkAsync(HttpContext ctx, string? token, AccountService accounts, OnboardingCookie cookie,
        OnboardingSessions sessions, SignInManager<ApplicationUser> signIn, UserManager<ApplicationUser> users)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.Headers["Referrer-Policy"] = "no-referrer";
        var (result, userId) = await accounts.VerifyLinkAsync(token ?? "", ctx.RequestAborted);
        var session = await sessions.FindAsync(cookie.Read(ctx), ctx.RequestAborted);
        var user = userId is null ? null : await users.FindByIdAsync(userId);
        if (result == VerifyResult.Verified && user is not null && session is not null && session.UserId == user.Id)
        {
            await signIn.SignInAsync(user, isPersistent: false);
            return Results.LocalRedirect(await AdvanceAsync(sessions, session.Id, user, ctx.RequestAborted));
        }
        var outcome = result == VerifyResult.Verified || user?.EmailConfirmed == true ? "verified" : result == VerifyResult.Expired ? "expired" : "invalid";
        return Results.LocalRedirect("/account/verified?outcome=" + outcome);
    }

    /// <summary>After signing in: bind the session, apply SignIn or VerifyEmail, and answer the page of the new step.</summary>
    private static async Task<string> AdvanceAsync(OnboardingSessions sessions, Guid sessionId, ApplicationUser user, CancellationToken ct)
    {
        var session = await sessions.BindUserAsync(sessionId, user.Id, ct);
        if (session is null) return "/onboarding";
        var context = await sessions.ContextAsync(session, user.Id);
        var trigger = session.Step switch
        {
            OnboardingStep.Account when !user.EmailConfirmed => OnboardingTrigger.Register,
            OnboardingStep.Account => OnboardingTrigger.SignIn,
            OnboardingStep.VerifyEmail => OnboardingTrigger.VerifyEmail,
            OnboardingStep.Landing => OnboardingTrigger.Continue,
            _ => (OnboardingTrigger?)null,
        };
        if (trigger is { } t && OnboardingFlow.CanFire(session.Step, t, context))
        {
            await sessions.FireAsync(session, t, context, ct);
            session = await sessions.FindAsync(sessionId, ct) ?? session;
        }
        return OnboardingRoutes.PathFor(session.Step);
    }
}
