using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Portal.Webhooks;

namespace Microsoft.Extensions.DependencyInjection;

public static class WebhooksExtensions
{
    /// <summary>Subscription events POSTed to the vendor's product; off (and said so once in the log) without Url and Secret.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        builder.Services.AddHttpClient(WebhookDeliveryWorker.HttpClientName)
            .ConfigureHttpClient((sp, c) =>
            {
                c.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout;
                c.DefaultRequestHeaders.UserAgent.ParseAdd("Portal-Webhooks/1");
            })
            // A redirect is not an acceptance: the configured URL itself must answer 2xx.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        builder.Services.AddSingleton<WebhookSignal>();
        builder.Services.AddSingleton<WebhookDeliveryWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDeliveryWorker>());
        // Picked up by the DbContext options (AddPortalData), so every SaveChanges writes the outbox rows.
        builder.Services.AddSingleton<IInterceptor, WebhookOutboxInterceptor>();
        return builder;
    }
}
