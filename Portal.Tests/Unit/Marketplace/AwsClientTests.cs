using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Marketplace;
using Portal.Marketplace.Aws;

namespace Portal.Tests.Unit.Marketplace;

/// <summary>The typed Marketplace clients against a local server that checks every wire detail independently.</summary>
public sealed class AwsClientTests : IAsyncLifetime
{
    private FakeAwsServer server = null!;

    public async Task InitializeAsync() => server = await FakeAwsServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    private MarketplaceOptions Options(string region = "us-east-1") => new()
    {
        Mode = MarketplaceMode.Aws, Region = region, MeteringEndpoint = server.Url.ToString(), EntitlementEndpoint = server.Url.ToString(),
        Calls = new AwsCallOptions
        {
            // Generous per attempt: a busy CI machine must not turn a prompt answer into a retry.
            AttemptTimeout = TimeSpan.FromSeconds(5), MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(5),
            MaxDelay = TimeSpan.FromMilliseconds(20), MaxTotalTime = TimeSpan.FromSeconds(5),
        },
    };

    private static IAwsCredentialSource Credentials => new StaticCredentialSource(new BasicAWSCredentials(FakeAwsServer.AccessKey, FakeAwsServer.SecretKey));

    private MarketplaceMeteringClient Metering(MarketplaceOptions? o = null, IAwsCredentialSource? credentials = null)
    {
        var options = Microsoft.Extensions.Options.Options.Create(o ?? Options());
        return new MarketplaceMeteringClient(new HttpClient(), new MarketplaceEndpointResolver(options, new ServiceCollection().BuildServiceProvider()),
            credentials ?? Credentials, options, TimeProvider.System, NullLogger<MarketplaceMeteringClient>.Instance);
    }

    private MarketplaceEntitlementClient Entitlement()
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options());
        return new MarketplaceEntitlementClient(new HttpClient(), new MarketplaceEndpointResolver(options, new ServiceCollection().BuildServiceProvider()),
            Credentials, options, TimeProvider.System, NullLogger<MarketplaceEntitlementClient>.Instance);
    }

    private static Task<(int, string, string?)> Answer(int status, string body, string? header = null) => Task.FromResult((status, body, header));

    [Fact]
    public async Task ResolveCustomer_SendsSignedAwsJson11AndParsesResponse()
    {
        server.Respond = (_, _) => Answer(200,
            """{"CustomerAWSAccountId":"123456789012","ProductCode":"prod-1","LicenseArn":"arn:aws:license-manager::123456789012:license:l-1"}""");

        var response = await Metering().ResolveCustomerAsync(new ResolveCustomerRequest { RegistrationToken = "tok+/=" });

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.Path);
        Assert.Equal("AWSMPMeteringService.ResolveCustomer", request.Target);
        Assert.Equal("application/x-amz-json-1.1", request.ContentType);
        Assert.Equal("tok+/=", JsonDocument.Parse(request.Body).RootElement.GetProperty("RegistrationToken").GetString());
        Assert.True(request.Signature.Valid, request.Signature.Message);
        Assert.Equal("aws-marketplace", request.Signature.Service);
        Assert.Equal("us-east-1", request.Signature.Region);
        Assert.Equal(FakeAwsServer.AccessKey, request.Signature.AccessKeyId);
        Assert.Equal("123456789012", response.CustomerAWSAccountId);
        Assert.Equal("prod-1", response.ProductCode);
        Assert.Null(response.CustomerIdentifier);
        Assert.EndsWith("license:l-1", response.LicenseArn);
    }

    [Fact]
    public async Task ResolveCustomer_CredentialsFromStandardChainEnvironment_Signed()
    {
        server.Respond = (_, _) => Answer(200, """{"CustomerAWSAccountId":"1","ProductCode":"p","LicenseArn":"a"}""");
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", FakeAwsServer.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", FakeAwsServer.SecretKey);
        using var chain = new DefaultChainCredentialSource();

        await Metering(credentials: chain).ResolveCustomerAsync(new ResolveCustomerRequest { RegistrationToken = "t" });

        Assert.True(Assert.Single(server.Requests).Signature.Valid);
    }

    public static TheoryData<string, string?, int, Type> Errors() => new()
    {
        { """{"__type":"InvalidTokenException","message":"bad"}""", null, 400, typeof(InvalidTokenException) },
        { """{"__type":"com.amazonaws.marketplace#ExpiredTokenException","message":"old"}""", null, 400, typeof(ExpiredTokenException) },
        { """{"__type":"DisabledApiException","message":"off"}""", null, 400, typeof(DisabledApiException) },
        { """{"message":"x"}""", "InvalidProductCodeException:http://internal.amazon.com/coral/", 400, typeof(InvalidProductCodeException) },
        { """{"__type":"TimestampOutOfBoundsException"}""", null, 400, typeof(TimestampOutOfBoundsException) },
        { """{"__type":"InvalidCustomerIdentifierException"}""", null, 400, typeof(InvalidCustomerIdentifierException) },
        { """{"__type":"InvalidUsageDimensionException"}""", null, 400, typeof(InvalidUsageDimensionException) },
        { """{"__type":"InvalidLicenseException"}""", null, 400, typeof(InvalidLicenseException) },
        { """{"__type":"InvalidParameterException"}""", null, 400, typeof(InvalidParameterException) },
        { """{"__type":"AccessDeniedException","message":"no"}""", null, 403, typeof(AmazonMarketplaceException) },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task ResolveCustomer_AwsError_MapsToTypedExceptionWithoutRetry(string body, string? header, int status, Type expected)
    {
        server.Respond = (_, _) => Answer(status, body, header);

        var ex = await Assert.ThrowsAnyAsync<AmazonMarketplaceException>(() =>
            Metering().ResolveCustomerAsync(new ResolveCustomerRequest { RegistrationToken = "t" }));

        Assert.IsType(expected, ex);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("ThrottlingException", 400)]
    [InlineData("InternalServiceErrorException", 500)]
    public async Task ResolveCustomer_TransientErrorTwice_RetriedThenSucceeds(string error, int status)
    {
        server.Respond = (_, n) => n <= 2
            ? Answer(status, $$"""{"__type":"{{error}}","message":"slow down"}""")
            : Answer(200, """{"CustomerAWSAccountId":"1","ProductCode":"p","LicenseArn":"a"}""");

        var response = await Metering().ResolveCustomerAsync(new ResolveCustomerRequest { RegistrationToken = "t" });

        Assert.Equal("p", response.ProductCode);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.True(r.Signature.Valid)); // every retry is signed afresh
    }

    [Fact]
    public async Task ResolveCustomer_ThrottledForever_GivesUpAfterMaxAttempts()
    {
        server.Respond = (_, _) => Answer(400, """{"__type":"ThrottlingException"}""");

        await Assert.ThrowsAsync<ThrottlingException>(() => Metering().ResolveCustomerAsync(new ResolveCustomerRequest { RegistrationToken = "t" }));

        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task ResolveCustomer_ServerHangs_TimesOutAsUnavailable()
    {
        server.Respond = async (_, _) => { await Task.Delay(TimeSpan.FromSeconds(3)); return (200, "{}", null); };
        var options = Options();
        options.Calls.MaxAttempts = 2;
        options.Calls.AttemptTimeout = TimeSpan.FromMilliseconds(300);
        options.Calls.MaxTotalTime = TimeSpan.FromMilliseconds(700);

        var ex = await Assert.ThrowsAsync<MarketplaceUnavailableException>(() =>
            Metering(options).ResolveCustomerAsync(new ResolveCustomerRequest { RegistrationToken = "t" }));

        Assert.True(ex.TimedOut);
        Assert.InRange(server.Requests.Count, 1, 2);
    }

    [Fact]
    public async Task BatchMeterUsage_SendsEpochSecondsAndParsesPerRecordStatus()
    {
        server.Respond = (r, _) => Answer(200, $$"""
            {"Results":[{"UsageRecord":{{JsonDocument.Parse(r.Body).RootElement.GetProperty("UsageRecords")[0].GetRawText()}},"MeteringRecordId":"m1","Status":"Success"}],
             "UnprocessedRecords":[]}
            """);
        var hour = new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero);

        var response = await Metering().BatchMeterUsageAsync(new BatchMeterUsageRequest
        {
            ProductCode = "p",
            UsageRecords = [new UsageRecord { Timestamp = hour, CustomerAWSAccountId = "123456789012", LicenseArn = "arn:l", Dimension = "hosts", Quantity = 3 }],
        });

        var sent = JsonDocument.Parse(Assert.Single(server.Requests).Body).RootElement;
        Assert.Equal("AWSMPMeteringService.BatchMeterUsage", server.Requests.Single().Target);
        Assert.Equal(hour.ToUnixTimeSeconds(), sent.GetProperty("UsageRecords")[0].GetProperty("Timestamp").GetInt64());
        Assert.False(sent.GetProperty("UsageRecords")[0].TryGetProperty("CustomerIdentifier", out _)); // nulls are not sent
        Assert.Equal(UsageRecordResultStatus.Success, Assert.Single(response.Results).Status);
        Assert.Equal(hour, response.Results[0].UsageRecord!.Timestamp);
    }

    [Fact]
    public async Task BatchMeterUsage_MoreThan25Records_RefusedBeforeSending()
    {
        var records = Enumerable.Range(0, 26).Select(_ => new UsageRecord { Dimension = "d", Timestamp = DateTimeOffset.UnixEpoch }).ToList();

        await Assert.ThrowsAsync<ArgumentException>(() => Metering().BatchMeterUsageAsync(new BatchMeterUsageRequest { ProductCode = "p", UsageRecords = records }));

        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GetAllEntitlements_EmptyPageWithNextToken_KeepsPaging()
    {
        server.Respond = (r, n) => n switch
        {
            1 => Answer(200, """{"Entitlements":[{"Dimension":"a","Value":{"IntegerValue":5},"ExpirationDate":1893456000}],"NextToken":"t1"}"""),
            2 => Answer(200, """{"Entitlements":[],"NextToken":"t2"}"""),
            _ => Answer(200, """{"Entitlements":[{"Dimension":"b","Value":{"BooleanValue":true}}]}"""),
        };

        var all = await Entitlement().GetAllEntitlementsAsync(new GetEntitlementsRequest
        {
            ProductCode = "p", Filter = new() { [GetEntitlementFilterName.LicenseArn] = ["arn:l"] },
        });

        Assert.Equal(["a", "b"], all.Select(e => e.Dimension));
        Assert.Equal(5, all[0].Value!.IntegerValue);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1893456000), all[0].ExpirationDate);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("AWSMPEntitlementService.GetEntitlements", r.Target));
        var tokens = server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.TryGetProperty("NextToken", out var t) ? t.GetString() : null);
        Assert.Equal([null, "t1", "t2"], tokens);
    }

    [Theory]
    [InlineData("us-east-1", "metering.marketplace.us-east-1.amazonaws.com", "entitlement.marketplace.us-east-1.amazonaws.com")]
    // The Entitlement Service has its own region (Marketplace:EntitlementRegion): us-east-1, or cn-northwest-1 in China.
    [InlineData("eu-west-1", "metering.marketplace.eu-west-1.amazonaws.com", "entitlement.marketplace.us-east-1.amazonaws.com")]
    [InlineData("cn-north-1", "metering.marketplace.cn-north-1.amazonaws.com.cn", "entitlement.marketplace.cn-northwest-1.amazonaws.com.cn")]
    [InlineData("cn-northwest-1", "metering.marketplace.cn-northwest-1.amazonaws.com.cn", "entitlement.marketplace.cn-northwest-1.amazonaws.com.cn")]
    public void Resolver_AwsMode_UsesRegionalHostsIncludingChina(string region, string meteringHost, string entitlementHost)
    {
        var resolver = new MarketplaceEndpointResolver(Microsoft.Extensions.Options.Options.Create(new MarketplaceOptions { Mode = MarketplaceMode.Aws, Region = region }),
            new ServiceCollection().BuildServiceProvider());

        Assert.Equal($"https://{meteringHost}/", resolver.Metering().Url.ToString());
        Assert.Equal($"https://{entitlementHost}/", resolver.Entitlement().Url.ToString());
        Assert.Equal(region, resolver.Metering().Region);
    }

    [Fact]
    public async Task ResolveCustomer_ChinaRegion_SignsForThatRegion()
    {
        server.Respond = (_, _) => Answer(200, """{"CustomerAWSAccountId":"1","ProductCode":"p","LicenseArn":"arn:aws-cn:l"}""");

        await Metering(Options("cn-northwest-1")).ResolveCustomerAsync(new ResolveCustomerRequest { RegistrationToken = "t" });

        var request = Assert.Single(server.Requests);
        Assert.True(request.Signature.Valid);
        Assert.Equal("cn-northwest-1", request.Signature.Region);
    }
}
