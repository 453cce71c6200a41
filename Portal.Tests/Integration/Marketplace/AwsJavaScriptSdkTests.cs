using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Marketplace.Aws;
using Portal.Marketplace.Simulator;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Marketplace;

/// <summary>
/// AWS's own JavaScript SDK (npm @aws-sdk/client-marketplace-metering and -entitlement-service, installed by
/// test.sh) talks to the running simulator: if the SDK parses our answers and errors, the simulator is wire-exact.
/// </summary>
public sealed class AwsJavaScriptSdkTests : IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<List<JsonElement>> RunSdkAsync(object[] calls, string secret = SimulatorEndpoints.SecretAccessKey, string region = "us-east-1")
    {
        var script = RepoPaths.Combine("tests", "js", "marketplace-sdk-check.mjs");
        Assert.True(Directory.Exists(RepoPaths.Combine("tests", "js", "node_modules", "@aws-sdk", "client-marketplace-metering")),
            "npm packages missing: run ./test.sh (it installs tests/js).");
        var psi = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                script, new Uri(app.BaseAddress, MarketplaceEndpointResolver.SimulatorMeteringPath).ToString(),
                new Uri(app.BaseAddress, MarketplaceEndpointResolver.SimulatorEntitlementPath).ToString(), region, JsonSerializer.Serialize(calls),
            },
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.Environment["AWS_ACCESS_KEY_ID"] = SimulatorEndpoints.AccessKeyId;
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = secret;
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, await stderr);
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    private string Mint(SimulatedFailure failure = SimulatedFailure.None, SimulatedOffer offer = SimulatedOffer.Payg, string account = "123456789012") =>
        app.Services.GetRequiredService<SimulatorTokens>().Mint(PortalAppFactory.PaygProduct, offer, account, failure);

    private static object Resolve(string token) => new { op = "ResolveCustomer", input = new { RegistrationToken = token } };

    [Fact]
    public async Task ResolveCustomer_ValidToken_SdkParsesCustomer()
    {
        var results = await RunSdkAsync([Resolve(Mint())]);

        var r = Assert.Single(results);
        Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString());
        var output = r.GetProperty("output");
        Assert.Equal("123456789012", output.GetProperty("CustomerAWSAccountId").GetString());
        Assert.Equal(PortalAppFactory.PaygProduct, output.GetProperty("ProductCode").GetString());
        Assert.StartsWith("arn:aws:license-manager::123456789012:license:", output.GetProperty("LicenseArn").GetString());
        Assert.False(output.TryGetProperty("CustomerIdentifier", out _));
    }

    [Fact]
    public async Task ResolveCustomer_EachFailure_SdkRaisesAwsErrorName()
    {
        var results = await RunSdkAsync([
            Resolve(Mint(SimulatedFailure.Invalid)), Resolve(Mint(SimulatedFailure.Expired)), Resolve(Mint(SimulatedFailure.ThrottleForever)),
            Resolve(Mint(SimulatedFailure.DisabledApi)), Resolve("not-a-token-at-all"),
        ]);

        Assert.Equal(["InvalidTokenException", "ExpiredTokenException", "ThrottlingException", "DisabledApiException", "InvalidTokenException"],
            results.Select(r => r.GetProperty("name").GetString()));
        Assert.All(results, r => Assert.Equal(400, r.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task AnyOperation_WrongSecret_SdkSeesInvalidSignature()
    {
        var results = await RunSdkAsync([Resolve(Mint())], secret: "not-the-simulator-secret");

        Assert.Equal("InvalidSignatureException", Assert.Single(results).GetProperty("name").GetString());
    }

    [Fact]
    public async Task MeteringAndEntitlements_AfterSubscribing_SdkParsesResults()
    {
        var payg = (await RunSdkAsync([Resolve(Mint(account: "111111111111"))]))[0].GetProperty("output");
        var contract = (await RunSdkAsync([Resolve(Mint(offer: SimulatedOffer.Contract, account: "222222222222"))]))[0].GetProperty("output");
        var hour = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds() / 3_600_000 * 3_600_000;
        var record = new
        {
            Timestamp = hour, CustomerAWSAccountId = "111111111111", LicenseArn = payg.GetProperty("LicenseArn").GetString(), Dimension = "hosts", Quantity = 2,
        };

        var results = await RunSdkAsync([
            new { op = "BatchMeterUsage", input = new { ProductCode = PortalAppFactory.PaygProduct, UsageRecords = new[] { record } } },
            new { op = "BatchMeterUsage", input = new { ProductCode = PortalAppFactory.PaygProduct, UsageRecords = new[] { record with { Quantity = 3 } } } },
            new { op = "GetEntitlements", input = new { ProductCode = PortalAppFactory.PaygProduct,
                Filter = new Dictionary<string, string[]> { ["LICENSE_ARN"] = [contract.GetProperty("LicenseArn").GetString()!] } } },
            new { op = "BatchMeterUsage", input = new { ProductCode = PortalAppFactory.PaygProduct,
                UsageRecords = new[] { record with { Timestamp = hour - 48 * 3_600_000L } } } },
        ]);

        Assert.All(results.Take(3), r => Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString()));
        Assert.Equal("Success", results[0].GetProperty("output").GetProperty("Results")[0].GetProperty("Status").GetString());
        // Same customer, dimension and hour with another quantity: AWS keeps the first (an identical resend would be Success).
        Assert.Equal("DuplicateRecord", results[1].GetProperty("output").GetProperty("Results")[0].GetProperty("Status").GetString());
        var entitlement = results[2].GetProperty("output").GetProperty("Entitlements")[0];
        Assert.Equal(1, entitlement.GetProperty("Value").GetProperty("IntegerValue").GetInt32());
        Assert.Equal("TimestampOutOfBoundsException", results[3].GetProperty("name").GetString());
    }

    /// <summary>The JS SDK's UsageAllocations on the wire are what the portal's typed client and the simulator read and write.</summary>
    [Fact]
    public async Task BatchMeterUsage_WithUsageAllocations_SdkSendsAndParsesThem()
    {
        var payg = (await RunSdkAsync([Resolve(Mint(account: "333333333333"))]))[0].GetProperty("output");
        var hour = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds() / 3_600_000 * 3_600_000;
        object Record(int quantity) => new
        {
            Timestamp = hour, CustomerAWSAccountId = "333333333333", LicenseArn = payg.GetProperty("LicenseArn").GetString(), Dimension = "hosts",
            Quantity = quantity,
            UsageAllocations = new object[]
            {
                new { AllocatedUsageQuantity = 3, Tags = new[] { new { Key = "team", Value = "red" } } },
                new { AllocatedUsageQuantity = 2 },
            },
        };

        var results = await RunSdkAsync([
            new { op = "BatchMeterUsage", input = new { ProductCode = PortalAppFactory.PaygProduct, UsageRecords = new[] { Record(5) } } },
            new { op = "BatchMeterUsage", input = new { ProductCode = PortalAppFactory.PaygProduct, UsageRecords = new[] { Record(6) } } },
        ]);

        Assert.True(results[0].GetProperty("ok").GetBoolean(), results[0].ToString());
        var result = results[0].GetProperty("output").GetProperty("Results")[0];
        Assert.Equal("Success", result.GetProperty("Status").GetString());
        var allocations = result.GetProperty("UsageRecord").GetProperty("UsageAllocations");
        Assert.Equal(3, allocations[0].GetProperty("AllocatedUsageQuantity").GetInt32());
        Assert.Equal("red", allocations[0].GetProperty("Tags")[0].GetProperty("Value").GetString());
        Assert.False(allocations[1].TryGetProperty("Tags", out _));
        // Buckets that do not add up to the quantity: AWS refuses the batch.
        Assert.Equal("InvalidUsageAllocationsException", results[1].GetProperty("name").GetString());
    }
}
