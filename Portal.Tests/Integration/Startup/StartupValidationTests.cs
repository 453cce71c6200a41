using Microsoft.Extensions.Options;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Startup;

/// <summary>Invalid settings stop start-up with a message that names the key (CONTRACT.md).</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Marketplace:Region", "not a region", "Marketplace:Region")]
    [InlineData("Email:Mode", "Smtp", "Email:Smtp:Host")]
    [InlineData("Brand:SupportUrl", "not-a-url", "SupportUrl")]
    [InlineData("Brand:PrimaryColor", "red", "Brand:PrimaryColor")]
    [InlineData("Brand:CornerRadius", "99", "CornerRadius")]
    [InlineData("Marketplace:Calls:MaxAttempts", "0", "MaxAttempts")]
    [InlineData("Marketplace:Calls:MaxDelay", "00:00:00.001", "Marketplace:Calls:MaxDelay")] // below the tests' BaseDelay (10 ms)
    [InlineData("Marketplace:Calls:AttemptTimeout", "00:00:05", "Marketplace:Calls:AttemptTimeout")] // above the tests' MaxTotalTime (3 s)
    [InlineData("Marketplace:LandingDeadline", "00:10:00", "Marketplace:LandingDeadline")]
    [InlineData("Members:InvitationLifetime", "00:00:01", "Members:InvitationLifetime")]
    [InlineData("Members:LinkRequestCooldown", "30.00:00:00", "Members:LinkRequestCooldown")]
    [InlineData("Redis:Configuration", "127.0.0.1:6390,nosuchoption=1", "Redis:Configuration")]
    [InlineData("Redis:KeyPrefix", "two words", "Redis:KeyPrefix")]
    public async Task Start_InvalidSetting_FailsNamingTheKey(string key, string value, string named)
    {
        await using var app = new PortalAppFactory(new Dictionary<string, string?> { [key] = value });

        var ex = Assert.ThrowsAny<Exception>(() => app.BaseAddress);

        var validation = ex as OptionsValidationException ?? ex.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains(named, validation.Message);
    }

    [Fact]
    public async Task Start_NoProducts_FailsNamingTheKey()
    {
        await using var app = new PortalAppFactory(new Dictionary<string, string?>
        {
            ["Marketplace:Products:0:ProductCode"] = "", ["Marketplace:Products:0:Name"] = "",
            ["Marketplace:Products:1:ProductCode"] = "", ["Marketplace:Products:1:Name"] = "",
        });

        var ex = Assert.ThrowsAny<Exception>(() => app.BaseAddress);

        Assert.Contains("Marketplace:Products", (ex as OptionsValidationException ?? ex.InnerException)?.Message);
    }
}
