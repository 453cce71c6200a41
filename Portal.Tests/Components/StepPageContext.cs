using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Branding;
using Portal.Marketplace;
using Portal.Accounts;
using Portal.Marketplace.Subscriptions;
using Portal.Onboarding;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>
/// bUnit with the portal's real services and a real SQLite file behind them: a step page is rendered for a
/// seeded session (its cookie on the cascading HttpContext, its user in the authentication state).
/// </summary>
public abstract class StepPageContext : BunitContext, IAsyncLifetime
{
    protected PortalAppFactory App { get; }
    protected Guid SessionId { get; private set; }
    protected string UserId { get; private set; } = "";

    /// <param name="sqliteOptions">Added to the SQLite connection string of the portal behind the page (e.g. a short busy timeout).</param>
    /// <param name="configureServices">Services the page gets instead of bUnit's or the portal's (e.g. a NavigationManager).</param>
    protected StepPageContext(string? sqliteOptions = null, Action<IServiceCollection>? configureServices = null)
    {
        App = new(sqliteOptions: sqliteOptions);
        JSInterop.Mode = JSRuntimeMode.Loose;
        // MudBlazor's services hold the NavigationManager: they must be bUnit's, not the server's.
        Services.AddMudTestServices();
        // bUnit answers IOptions<T> itself (with unconfigured defaults), so the portal's configured options are
        // handed over explicitly; everything else falls back to the portal's own container.
        foreach (var type in new[] { typeof(BrandOptions), typeof(OnboardingOptions), typeof(MarketplaceOptions), typeof(AccountOptions) })
        {
            var options = typeof(IOptions<>).MakeGenericType(type);
            Services.AddSingleton(options, App.Services.GetRequiredService(options));
        }
        Services.AddLocalization();
        Services.AddPortalValidators();
        // bUnit's placeholder refuses every policy check; pages ask the portal's own (the VendorAdmin policy reads the database).
        Services.AddSingleton(App.Services.GetRequiredService<Microsoft.AspNetCore.Authorization.IAuthorizationService>());
        configureServices?.Invoke(Services);
        Services.AddFallbackServiceProvider(App.Services);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true)); // last: it builds the provider
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await App.DisposeAsync();
    }

    /// <summary>Seeds a user, a PAYG subscription and a session at <paramref name="step"/> with the given answers.</summary>
    protected async Task<Guid> SeedAsync(OnboardingStep step, OnboardingData? data = null, bool newUser = true, OfferType offer = OfferType.Payg)
    {
        using (var scope = App.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser
            {
                UserName = "c@example.com", Email = "c@example.com", EmailConfirmed = true,
                CreatedAt = newUser ? DateTimeOffset.UtcNow : DateTimeOffset.UtcNow.AddYears(-1),
            };
            Assert.True((await users.CreateAsync(user, "Str0ng!Passw0rd")).Succeeded);
            UserId = user.Id;
        }
        await using var db = App.CreateDbContext();
        var subscription = new MarketplaceSubscription
        {
            ProductCode = PortalAppFactory.PaygProduct, CustomerAwsAccountId = "123456789012", LicenseArn = "arn:aws:license-manager::123456789012:license:l-c",
            OfferType = offer, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        var session = new OnboardingSession
        {
            SubscriptionId = subscription.Id, UserId = UserId, TokenHash = Guid.NewGuid().ToString("N"), Step = step,
            Data = (data ?? new OnboardingData()).ToJson(), CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-1), UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Subscriptions.Add(subscription);
        db.OnboardingSessions.Add(session);
        await db.SaveChangesAsync();
        SessionId = session.Id;
        return subscription.Id;
    }

    /// <summary>
    /// A session at the verification step whose user has not verified yet; with <paramref name="sendCode"/> a code is
    /// waiting for them, as after registering.
    /// </summary>
    protected async Task SeedUnverifiedAsync(bool sendCode = true)
    {
        await SeedAsync(OnboardingStep.VerifyEmail);
        using var scope = App.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByIdAsync(UserId))!;
        user.EmailConfirmed = false;
        await users.UpdateAsync(user);
        if (sendCode) await scope.ServiceProvider.GetRequiredService<AccountService>().ResendAsync(UserId);
    }

    /// <summary>Makes <paramref name="id"/> the session the helpers render and read (for tests that seed their own).</summary>
    protected void SetSession(Guid id) => SessionId = id;

    /// <summary>Renders a wizard page for this browser; <paramref name="user"/> is who is signed in (the session's owner by default).</summary>
    protected IRenderedComponent<TPage> RenderStep<TPage>(ClaimsPrincipal? user = null) where TPage : IComponent
    {
        var cookie = App.Services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector("Portal.Onboarding.SessionCookie.v1").Protect(SessionId.ToString("N"));
        var http = new DefaultHttpContext();
        http.Request.Headers.Cookie = $"{OnboardingCookie.Name}={cookie}";
        user ??= new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, UserId)], "test"));
        return Render<TPage>(p => p
            .AddCascadingValue(http)
            .AddCascadingValue(Task.FromResult(new AuthenticationState(user))));
    }

    /// <summary>Waits (bounded) for the page's save to reach the database, then checks the stored step.</summary>
    protected async Task WaitForStepAsync(OnboardingStep step)
    {
        for (var i = 0; i < 100 && (await StoredSessionAsync()).Step != step; i++) await Task.Delay(50);
        Assert.Equal(step, (await StoredSessionAsync()).Step);
    }

    protected async Task<OnboardingSession> StoredSessionAsync()
    {
        await using var db = App.CreateDbContext();
        return await db.OnboardingSessions.AsNoTracking().SingleAsync(s => s.Id == SessionId);
    }
}
