using Microsoft.Extensions.Options;

namespace Portal.Webhooks;

/// <summary>Where subscription events go and how hard the portal tries; without a Url and a Secret webhooks are off.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>The vendor's product endpoint that receives every event (absolute http or https URL).</summary>
    public string? Url { get; set; }
    /// <summary>The shared HMAC-SHA256 key; at least 32 characters so it cannot be guessed.</summary>
    public string? Secret { get; set; }
    public int MaxAttempts { get; set; } = 10;
    /// <summary>First retry delay; doubles each attempt (with jitter), capped at <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How long one POST may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How often the worker looks for due deliveries when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public bool Enabled => !string.IsNullOrWhiteSpace(Url) && !string.IsNullOrWhiteSpace(Secret);

    /// <summary>Why webhooks are off, naming the key an operator would set; null when they are on.</summary>
    public string? OffReason => string.IsNullOrWhiteSpace(Url) ? $"{SectionName}:Url is not set"
        : string.IsNullOrWhiteSpace(Secret) ? $"{SectionName}:Secret is not set" : null;

    public const int MinSecretLength = 32;
}

/// <summary>Absent Url/Secret turn the feature off; a value that is present but wrong stops start-up.</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions o)
    {
        const string s = WebhookOptions.SectionName;
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(o.Url) && !(Uri.TryCreate(o.Url, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
            errors.Add($"{s}:Url must be an absolute http or https URL.");
        if (!string.IsNullOrWhiteSpace(o.Secret) && o.Secret.Length < WebhookOptions.MinSecretLength)
            errors.Add($"{s}:Secret must be at least {WebhookOptions.MinSecretLength} characters.");
        if (o.MaxAttempts is < 1 or > 100)
            errors.Add($"{s}:MaxAttempts must be between 1 and 100.");
        if (o.BaseDelay <= TimeSpan.Zero || o.BaseDelay > TimeSpan.FromHours(1))
            errors.Add($"{s}:BaseDelay must be more than zero and at most 01:00:00.");
        if (o.MaxDelay < o.BaseDelay || o.MaxDelay > TimeSpan.FromDays(1))
            errors.Add($"{s}:MaxDelay must be at least {s}:BaseDelay and at most 1.00:00:00.");
        if (o.Timeout <= TimeSpan.Zero || o.Timeout > TimeSpan.FromMinutes(5))
            errors.Add($"{s}:Timeout must be more than zero and at most 00:05:00.");
        if (o.PollInterval <= TimeSpan.Zero || o.PollInterval > TimeSpan.FromMinutes(10))
            errors.Add($"{s}:PollInterval must be more than zero and at most 00:10:00.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
