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

    [Fact]
    public void Shared_state_goes_to_a_persistent_unpublished_redis_the_portal_waits_for()
    {
        var redis = services["redis"];
        Assert.Contains(redis, l => l.Contains("\"--appendonly\", \"yes\"", StringComparison.Ordinal));
        Assert.Contains(redis, l => Regex.IsMatch(l, @"^\s+- \w+:/data\s*$"));
        var portal = services["portal"];
        Assert.Contains(portal, l => Regex.IsMatch(l, @"^\s+Redis__Configuration:\s*redis:6379\s*$"));
        var dependsOn = portal.SkipWhile(l => !l.StartsWith("    depends_on:", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.StartsWith("      ", StringComparison.Ordinal)).ToList();
        Assert.Contains("      redis:", dependsOn);
    }

    /// <summary>A renamed key in compose.yaml would be ignored without a word: every setting given to the portal must be one the reference documents.</summary>
    [Fact]
    public void Every_setting_given_to_the_portal_is_a_documented_key()
    {
        var documented = Portal.Tests.Unit.ConfigurationDocsTests.DocumentedRows().Keys.ToHashSet();
        var portal = services["portal"];
        var environment = portal.SkipWhile(l => !l.StartsWith("    environment:", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("      ", StringComparison.Ordinal))
            .Select(l => Regex.Match(l, @"^\s+([A-Za-z0-9_]+):")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.True(environment.Count > 10, "the portal's environment was not read: " + string.Join(", ", environment));
        var unknown = environment.Where(name => !documented.Contains(string.Join(':', name.Split("__").Select(s => s.All(char.IsAsciiDigit) ? "N" : s)))).ToList();
        Assert.True(unknown.Count == 0, "compose.yaml gives the portal settings docs/configuration.md does not document: " + string.Join(", ", unknown));
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
