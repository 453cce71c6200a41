using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Portal.Accounts;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Microsoft.Extensions.DependencyInjection;

public static class AccountsExtensions
{
    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAuthentication(o =>
        {
            o.DefaultScheme = IdentityConstants.ApplicationScheme;
            o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
        }).AddIdentityCookies();
        builder.Services.AddAuthorization();
        builder.Services.AddIdentityCore<ApplicationUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 8;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            // Before the stores: with a role type they register the role store (the vendor console's VendorAdmin).
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/onboarding/account";
        });
        builder.Services.AddOptions<DataProtectionTokenProviderOptions>()
            .Configure<IOptions<AccountOptions>>((o, a) => o.TokenLifespan = a.Value.PasswordResetLifetime);
        builder.Services.AddOptions<SecurityStampValidatorOptions>()
            .Configure<IOptions<AccountOptions>, TimeProvider>((o, a, time) => (o.ValidationInterval, o.TimeProvider) = (a.Value.SessionRevalidation, time));
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingAuthenticationState>();
        builder.Services.AddSingleton<AccountThrottle>();
        builder.Services.AddScoped<AccountMail>();
        builder.Services.AddScoped<PasswordResets>();
        builder.Services.AddScoped<AccountService>();
        builder.Services.AddScoped<TwoFactor>();
        builder.Services.AddOptions<AdminTwoFactorOptions>().BindConfiguration(AdminTwoFactorOptions.SectionName);
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, AdminTwoFactorHandler>();
        builder.Services.AddSingleton<SignInBinding>();
        builder.Services.AddPortalValidators();
        return builder;
    }
}
