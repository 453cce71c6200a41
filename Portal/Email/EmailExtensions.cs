using MimeKit;
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
            .Validate(o => o.From is null || SmtpEmailSender.ParseSender(o.From) is not null,
                "Email:From must be one e-mail address, optionally with a name: \"Name <no-reply@example.com>\".")
            .Validate(o => string.IsNullOrEmpty(o.Smtp.Password) || !string.IsNullOrEmpty(o.Smtp.Username),
                "Email:Smtp:Password is set without Email:Smtp:Username.")
            .Validate(o => o.ClaimLease >= 2 * o.Smtp.Timeout,
                "Email:ClaimLease must be at least twice Email:Smtp:TimeoutMilliseconds, so a claimed message can be sent before its lease ends.")
            .ValidateOnStart();
        builder.Services.AddSingleton<BrandLogo>();
        builder.Services.AddSingleton<IEmailComposer, EmailComposer>();
        builder.Services.AddSingleton<EmailOutbox>();
        builder.Services.AddSingleton<SmtpEmailSender>();
        builder.Services.AddSingleton<EmailDeliveryWorker>();
        builder.Services.AddSingleton<IEmailDelivery>(sp => sp.GetRequiredService<EmailDeliveryWorker>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmailDeliveryWorker>());
        return builder;
    }
}
