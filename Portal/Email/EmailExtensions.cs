using Microsoft.Extensions.Options;
using Portal.Email;

namespace Microsoft.Extensions.DependencyInjection;

public static class EmailExtensions
{
    public static IHostApplicationBuilder AddEmail(this IHostApplicationBuilder builder)
    {
        var modeSet = builder.Configuration[$"{EmailOptions.SectionName}:Mode"] is not null;
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.SectionName)
            .PostConfigure(o =>
            {
                if (!modeSet) o.Mode = isDevelopment ? EmailMode.Mailbox : EmailMode.Smtp;
                if (o.Mode == EmailMode.Mailbox) o.From ??= "no-reply@localhost";
            })
            .ValidateDataAnnotations()
            .Validate(o => o.Mode != EmailMode.Smtp || !string.IsNullOrWhiteSpace(o.Smtp.Host), "Email:Smtp:Host is required when Email:Mode is Smtp.")
            .Validate(o => o.Mode != EmailMode.Smtp || !string.IsNullOrWhiteSpace(o.From), "Email:From is required when Email:Mode is Smtp.")
            .ValidateOnStart();
        builder.Services.AddSingleton<BrandLogo>();
        builder.Services.AddSingleton<IEmailComposer, EmailComposer>();
        builder.Services.AddSingleton<EmailDeliveryWorker>();
        builder.Services.AddSingleton<IEmailDelivery>(sp => sp.GetRequiredService<EmailDeliveryWorker>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmailDeliveryWorker>());
        return builder;
    }
}
