using Portal.Webhooks;

namespace Portal.Tests.Unit.Webhooks;

public sealed class WebhookSignerTests
{
    private const string Secret = "unit-test-webhook-secret-0123456789";
    private const string Body = """{"id":"evt_1","type":"subscription.linked"}""";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 5, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Verify_SignedBody_Accepted()
    {
        var header = WebhookSigner.Sign(Secret, Now, Body);

        Assert.Matches("^t=1795496400,v1=[0-9a-f]{64}$", header);
        Assert.True(WebhookSigner.Verify(Secret, header, Body, Now));
    }

    [Fact]
    public void Sign_ReadmeTestVector_Matches()
    {
        var header = WebhookSigner.Sign("example-webhook-secret-0123456789abcdef", Now, """{"id":"evt_test","type":"subscription.linked"}""");

        Assert.Equal("t=1795496400,v1=60bcea7d8c447e666b2d70c7f495bff436e5d63c599600888a80a714b3e3d96d", header);
    }

    [Fact]
    public void Verify_TamperedBody_Rejected()
    {
        var header = WebhookSigner.Sign(Secret, Now, Body);

        Assert.False(WebhookSigner.Verify(Secret, header, Body.Replace("linked", "cancelled"), Now));
    }

    [Fact]
    public void Verify_OtherSecret_Rejected()
    {
        var header = WebhookSigner.Sign(Secret, Now, Body);

        Assert.False(WebhookSigner.Verify(Secret + "x", header, Body, Now));
    }

    [Fact]
    public void Verify_TimestampMovedForward_Rejected()
    {
        var header = WebhookSigner.Sign(Secret, Now.AddMinutes(-10), Body);
        var moved = header.Replace($"t={Now.AddMinutes(-10).ToUnixTimeSeconds()}", $"t={Now.ToUnixTimeSeconds()}");

        Assert.False(WebhookSigner.Verify(Secret, moved, Body, Now));
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public void Verify_OutsideDefaultTolerance_Rejected(int minutes)
    {
        var header = WebhookSigner.Sign(Secret, Now.AddMinutes(minutes), Body);

        Assert.False(WebhookSigner.Verify(Secret, header, Body, Now));
    }

    [Fact]
    public void Verify_WithinToleranceEitherWay_Accepted()
    {
        Assert.True(WebhookSigner.Verify(Secret, WebhookSigner.Sign(Secret, Now.AddMinutes(-4), Body), Body, Now));
        Assert.True(WebhookSigner.Verify(Secret, WebhookSigner.Sign(Secret, Now.AddMinutes(4), Body), Body, Now));
    }

    [Fact]
    public void Verify_CustomTolerance_Applied()
    {
        var header = WebhookSigner.Sign(Secret, Now.AddSeconds(-90), Body);

        Assert.False(WebhookSigner.Verify(Secret, header, Body, Now, TimeSpan.FromMinutes(1)));
        Assert.True(WebhookSigner.Verify(Secret, header, Body, Now, TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void Verify_SeveralSignaturesOneValid_Accepted()
    {
        var valid = WebhookSigner.Sign(Secret, Now, Body);
        var header = valid.Replace(",v1=", $",v1={new string('0', 64)},v1=");

        Assert.True(WebhookSigner.Verify(Secret, header, Body, Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("t=1795496400")]
    [InlineData("v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=abc,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=-5,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=1795496400,v1=zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=1795496400,v1=abcd")]
    [InlineData("t=99999999999999999999,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=1795496400,t=1795496400,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    public void Verify_MalformedHeader_Rejected(string? header)
    {
        Assert.False(WebhookSigner.Verify(Secret, header, Body, Now));
    }

    [Fact]
    public async Task CreateRequest_CarriesSignatureEventHeadersAndExactBody()
    {
        var delivery = new WebhookDelivery { EventId = "evt_1", EventType = "subscription.linked", Payload = Body };

        using var request = WebhookSigner.CreateRequest(new Uri("https://vendor.example/hooks"), Secret, delivery, Now);

        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("evt_1", request.Headers.GetValues(WebhookSigner.EventIdHeader).Single());
        Assert.Equal("subscription.linked", request.Headers.GetValues(WebhookSigner.EventTypeHeader).Single());
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.ToString());
        var sent = await request.Content.ReadAsStringAsync();
        Assert.Equal(Body, sent);
        Assert.True(WebhookSigner.Verify(Secret, request.Headers.GetValues(WebhookSigner.SignatureHeader).Single(), sent, Now));
    }
}
