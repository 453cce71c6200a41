using FluentValidation;

namespace Microsoft.Extensions.DependencyInjection;

public static class ValidatorRegistration
{
    /// <summary>Registers every FluentValidation validator of the portal (the DI extensions package is not served here).</summary>
    public static IServiceCollection AddPortalValidators(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ValidatorMarker))) return services;
        services.AddSingleton<ValidatorMarker>();
        foreach (var type in typeof(ValidatorRegistration).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
            foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>)))
                services.AddScoped(contract, type);
        return services;
    }

    private sealed class ValidatorMarker;
}
