using Microsoft.Extensions.Options;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Webhooks;

/// <summary>Webhook settings that are present but wrong stop start-up, naming the key (CONTRACT.md).</summary>
public sealed class WebhookStartupTests
{
    [Theory]
    [InlineData("Webhooks:Url", "ftp://vendor.example/hooks", "Webhooks:Url")]
    [InlineData("Webhooks:Url", "/hooks/portal", "Webhooks:Url")]
    [InlineData("Webhooks:Secret", "too-short", "Webhooks:Secret")]
    [InlineData("Webhooks:MaxAttempts", "0", "Webhooks:MaxAttempts")]
    [InlineData("Webhooks:Timeout", "00:00:00", "Webhooks:Timeout")]
    [InlineData("Webhooks:MaxDelay", "00:00:00.010", "Webhooks:MaxDelay")]
    public async Task Start_InvalidWebhookSetting_FailsNamingTheKey(string key, string value, string named)
    {
        await using var app = WebhookDeliveryTests.App(new Uri("https://vendor.example/hooks/portal"), new Dictionary<string, string?> { [key] = value });

        var ex = Assert.ThrowsAny<Exception>(() => app.BaseAddress);

        // The host may wrap it (an AggregateException from start-up): look down the whole chain.
        static IEnumerable<Exception> Chain(Exception e) =>
            new[] { e }.Concat(e is AggregateException a ? a.InnerExceptions.SelectMany(Chain) : e.InnerException is { } i ? Chain(i) : []);
        var validation = Chain(ex).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.True(validation is not null, ex.ToString());
        Assert.Contains(named, validation!.Message);
    }
}
