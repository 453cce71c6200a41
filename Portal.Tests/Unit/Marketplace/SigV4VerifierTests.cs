using Portal.Marketplace.Simulator;

namespace Portal.Tests.Unit.Marketplace;

/// <summary>The verifier the simulator and the client tests rely on, checked against AWS's published SigV4 test suite.</summary>
public sealed class SigV4VerifierTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private static SigV4Verifier.Request GetVanilla(string signature) => new("GET", "/", "",
    [
        new("Host", "example.amazonaws.com"),
        new("X-Amz-Date", "20150830T123600Z"),
        new("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " +
                             $"SignedHeaders=host;x-amz-date, Signature={signature}"),
    ], []);

    [Fact]
    public void Verify_AwsTestSuiteGetVanilla_Valid()
    {
        var result = SigV4Verifier.Verify(GetVanilla("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
            k => k == "AKIDEXAMPLE" ? Secret : null);

        Assert.True(result.Valid, result.Message);
        Assert.Equal("service", result.Service);
        Assert.Equal("us-east-1", result.Region);
    }

    [Fact]
    public void Verify_OneCharacterOfSignatureChanged_Invalid()
    {
        var result = SigV4Verifier.Verify(GetVanilla("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf32"),
            k => k == "AKIDEXAMPLE" ? Secret : null);

        Assert.False(result.Valid);
        Assert.Equal("InvalidSignatureException", result.ErrorType);
    }

    [Fact]
    public void Verify_UnknownAccessKey_Unrecognized()
    {
        var result = SigV4Verifier.Verify(GetVanilla("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"), _ => null);

        Assert.Equal("UnrecognizedClientException", result.ErrorType);
    }

    [Fact]
    public void Verify_SignedLongAgo_RejectedWhenClockGiven()
    {
        var result = SigV4Verifier.Verify(GetVanilla("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
            k => k == "AKIDEXAMPLE" ? Secret : null, DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

        Assert.False(result.Valid);
    }

    [Fact]
    public void Verify_NoAuthorization_MissingToken()
    {
        var result = SigV4Verifier.Verify(new SigV4Verifier.Request("POST", "/", "", [new("Host", "x")], []), _ => Secret);

        Assert.Equal("MissingAuthenticationTokenException", result.ErrorType);
    }
}
