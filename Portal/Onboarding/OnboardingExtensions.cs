using Portal.Onboarding;

namespace Microsoft.Extensions.DependencyInjection;

public static class OnboardingExtensions
{
    public static IHostApplicationBuilder AddOnboarding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OnboardingOptions>().BindConfiguration(OnboardingOptions.SectionName)
            .PostConfigure(o =>
            {
                // Defaults only when the vendor configured none (binding appends to, never replaces, a list).
                if (o.Sites.Count == 0) o.Sites.AddRange(OnboardingOptions.DefaultSites);
                if (o.WorkspaceLanguages.Count == 0) o.WorkspaceLanguages.AddRange(OnboardingOptions.DefaultLanguages);
            })
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OnboardingCookie>();
        builder.Services.AddScoped<OnboardingSessions>();
        builder.Services.AddScoped<PendingRegistrations>();
        builder.Services.AddScoped<UnsavedAnswers>();
        builder.Services.AddSingleton<Portal.Onboarding.Components.StepSaver>();
        return builder;
    }
}
