using System.Net;
using System.Text.RegularExpressions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Operations;

/// <summary>
/// compose.yaml publishes only the proxy and the portal trusts forwarded headers from exactly the proxy's address:
/// with the portal's port published, or a whole network trusted, anyone could forge X-Forwarded-For/-Host/-Proto past
/// every per-IP limit. Read line by line (compose's plain block style); no YAML library is served.
/// </summary>
public sealed class ComposeFileTests
{
    private readonly Dictionary<string, List<string>> services = ReadServices(File.ReadAllLines(RepoPaths.Combine("compose.yaml")));

    [Fact]
    public void Only_the_proxy_publishes_a_port()
    {
        Assert.Contains("portal", services.Keys);
        Assert.Contains("proxy", services.Keys);
        var publishing = services.Where(s => s.Value.Any(l => Regex.IsMatch(l, @"^    ports:"))).Select(s => s.Key).ToList();
        Assert.Equal(["proxy"], publishing);
    }

    [Fact]
    public void The_portal_trusts_forwarded_headers_from_exactly_the_proxys_fixed_address()
    {
        var portal = services["portal"];
        Assert.DoesNotContain(portal, l => l.Contains("KnownNetworks", StringComparison.Ordinal));
        var trusted = portal.Select(l => Regex.Match(l, @"ForwardedHeaders__KnownProxies__(\d+):\s*(\S+)")).Where(m => m.Success).ToList();
        var only = Assert.Single(trusted);
        var proxyAddress = services["proxy"].Select(l => Regex.Match(l, @"ipv4_address:\s*(\S+)")).Single(m => m.Success).Groups[1].Value;
        Assert.Equal(proxyAddress, only.Groups[2].Value);
        Assert.True(IPAddress.TryParse(proxyAddress, out _), proxyAddress);
    }

    [Fact]
    public void The_portal_is_told_its_public_address()
    {
        Assert.Contains(services["portal"], l => Regex.IsMatch(l, @"^\s+Portal__PublicBaseUrl:\s*https://"));
    }

    /// <summary>The lines of each service under <c>services:</c>, keyed by its name (two-space indentation).</summary>
    private static Dictionary<string, List<string>> ReadServices(string[] lines)
    {
        var result = new Dictionary<string, List<string>>();
        List<string>? current = null;
        var inServices = false;
        foreach (var line in lines)
        {
            if (line.Length == 0 || line.TrimStart().StartsWith('#')) continue;
            if (!line.StartsWith(' ')) { inServices = line.TrimEnd() == "services:"; current = null; continue; }
            if (!inServices) continue;
            if (Regex.Match(line, @"^  ([A-Za-z0-9_-]+):\s*$") is { Success: true } service) result[service.Groups[1].Value] = current = [];
            else current?.Add(line);
        }
        return result;
    }
}
