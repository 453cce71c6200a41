using Portal.Onboarding;

namespace Microsoft.Extensions.DependencyInjection;

public static class OnboardingExtensions
{
    public static IHostApplicationBuilder AddOnboarding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OnboardingCookie>();
        builder.Services.AddScoped<OnboardingSessions>();
        return builder;
    }
}
