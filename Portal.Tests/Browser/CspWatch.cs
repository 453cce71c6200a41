using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>
/// Collects every Content-Security-Policy violation Chromium reports in a browser context: the page's own
/// securitypolicyviolation events (recorded by an init script, which the policy does not govern) and the console
/// messages Chromium writes for blocked resources.
/// </summary>
public sealed class CspWatch
{
    private readonly List<string> violations = [];

    public IReadOnlyList<string> Violations { get { lock (violations) return violations.ToList(); } }

    public static async Task<CspWatch> AttachAsync(IBrowserContext context)
    {
        var watch = new CspWatch();
        await context.ExposeFunctionAsync("__portalCspViolation", (string v) => watch.Add("event: " + v));
        await context.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
              window.__portalCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${location.pathname}`));
            """);
        context.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) watch.Add("console: " + m.Text);
        };
        return watch;
    }

    private void Add(string v) { lock (violations) violations.Add(v); }
}
