using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Portal.Marketplace.Aws;

/// <summary>
/// Picks the URL of each API: a configured override, else the built-in simulator on this process's own address
/// (known only once Kestrel has bound), else the region's AWS host.
/// </summary>
public sealed class MarketplaceEndpointResolver(IOptions<MarketplaceOptions> options, IServiceProvider services)
{
    public const string SimulatorMeteringPath = "/_simulator/aws/metering/";
    public const string SimulatorEntitlementPath = "/_simulator/aws/entitlement/";

    public AwsServiceEndpoint Metering()
    {
        var o = options.Value;
        var url = o.MeteringEndpoint is { Length: > 0 } e ? new Uri(e)
            : o.Mode == MarketplaceMode.Simulator ? new Uri(SelfAddress(), SimulatorMeteringPath)
            : MarketplaceEndpoints.Metering(o.Region);
        return new AwsServiceEndpoint(url, o.Region, "AWSMPMeteringService");
    }

    public AwsServiceEndpoint Entitlement()
    {
        var o = options.Value;
        var url = o.EntitlementEndpoint is { Length: > 0 } e ? new Uri(e)
            : o.Mode == MarketplaceMode.Simulator ? new Uri(SelfAddress(), SimulatorEntitlementPath)
            : MarketplaceEndpoints.Entitlement(o.EffectiveEntitlementRegion);
        // Signed for the Entitlement Service's own region, not the listing's metering region.
        return new AwsServiceEndpoint(url, o.Mode == MarketplaceMode.Simulator && o.EntitlementEndpoint is not { Length: > 0 } ? o.Region : o.EffectiveEntitlementRegion,
            "AWSMPEntitlementService");
    }

    /// <summary>The portal's own listening address (the simulator runs in this process).</summary>
    public Uri SelfAddress()
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        var chosen = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses?.FirstOrDefault()
            ?? throw new InvalidOperationException("The simulator needs the portal's own address; the server is not listening yet.");
        var uri = new UriBuilder(chosen.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        if (uri.Host is "0.0.0.0" or "[::]" or "::") uri.Host = "127.0.0.1";
        return uri.Uri;
    }
}

/// <summary>AWSSDK.Core's standard chain: environment, profile, web identity, container and instance roles.</summary>
public sealed class DefaultChainCredentialSource : IAwsCredentialSource, IDisposable
{
    private readonly DefaultAWSCredentialsIdentityResolver resolver = new();

    public async ValueTask<AWSCredentials> GetAsync(CancellationToken cancellationToken) =>
        await resolver.ResolveIdentityAsync(null!, cancellationToken);

    public void Dispose() => resolver.Dispose();
}

/// <summary>Fixed credentials: the simulator's own pair, which it checks signatures against.</summary>
public sealed class StaticCredentialSource(AWSCredentials credentials) : IAwsCredentialSource
{
    public ValueTask<AWSCredentials> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(credentials);
}
