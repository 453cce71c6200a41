using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Portal.Tests.Infrastructure;

public static class HostedServices
{
    /// <summary>
    /// Takes a background worker out of a test's portal. With FakeTimeProvider as the app's clock, Advance fires the
    /// worker's own delays too, so a test that drives that work itself (a sweep, a refresh) would race it.
    /// </summary>
    public static IServiceCollection RemoveHostedService<T>(this IServiceCollection services) where T : IHostedService
    {
        // Registered as a type, or by a factory (AddHostedService(sp => sp.GetRequiredService<T>())), whose Func names T.
        foreach (var d in services.Where(d => d.ServiceType == typeof(IHostedService) && !d.IsKeyedService
                     && (d.ImplementationType == typeof(T) || d.ImplementationFactory?.GetType().GenericTypeArguments[^1] == typeof(T))).ToList())
            services.Remove(d);
        return services;
    }
}
