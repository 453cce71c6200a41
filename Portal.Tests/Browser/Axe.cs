using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

public sealed record AxeViolation(string Id, string Impact, int Nodes, string Help, string[] Targets, string? Why = null)
{
    public bool IsBlocking => Impact is "serious" or "critical";
}

/// <summary>
/// Runs axe-core (from tests/js/node_modules, installed by npm) inside the page, and keeps a per-page table
/// so the results can be quoted from TestResults/axe-results.md.
/// </summary>
public sealed class Axe
{
    private static readonly string ScriptPath = RepoPaths.Combine("tests", "js", "node_modules", "axe-core", "axe.min.js");
    private static readonly Lazy<string> ScriptSource = new(() => File.ReadAllText(ScriptPath));
    private static readonly string[] Impacts = ["critical", "serious", "moderate", "minor"];
    private readonly List<(string Page, IReadOnlyList<AxeViolation> Violations)> results = [];

    public IEnumerable<(string Page, AxeViolation Violation)> Blocking =>
        results.SelectMany(r => r.Violations.Where(v => v.IsBlocking).Select(v => (r.Page, v)));

    public async Task CheckAsync(IPage page, string name)
    {
        Assert.True(File.Exists(ScriptPath), "axe-core is missing: run `cd tests/js && npm install`.");
        // A full page load drops window.axe; an enhanced (Blazor) navigation keeps it.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
            // Evaluated through the DevTools protocol, not added as a <script>: the portal's CSP forbids inline scripts.
            await page.EvaluateAsync(ScriptSource.Value);
        var json = await page.EvaluateAsync<string>("""
            async () => JSON.stringify((await axe.run(document, { resultTypes: ['violations'] })).violations.map(v => ({
                id: v.id, impact: v.impact ?? 'minor', nodes: v.nodes.length, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')),
                why: v.nodes.map(n => (n.any[0] ?? n.all[0] ?? n.none[0])?.message).find(m => m) ?? null })))
            """);
        results.Add((name, JsonSerializer.Deserialize<AxeViolation[]>(json, JsonSerializerOptions.Web)!));
    }

    public string WriteReport(string fileName = "axe-results.md")
    {
        var md = new StringBuilder("# axe-core results\n\n")
            .AppendLine($"axe-core run in Chromium on every page; a page passes with no serious or critical violation. {DateTime.UtcNow:u}\n")
            .AppendLine("| page | critical | serious | moderate | minor | rules |")
            .AppendLine("|---|---|---|---|---|---|");
        foreach (var (page, violations) in results)
        {
            var counts = Impacts.Select(i => violations.Where(v => v.Impact == i).Sum(v => v.Nodes).ToString());
            var rules = violations.Count == 0 ? "none" : string.Join(", ", violations.Select(v => $"{v.Id} ({v.Impact})"));
            md.AppendLine($"| {page} | {string.Join(" | ", counts)} | {rules} |");
        }
        md.AppendLine("\n## Details\n");
        foreach (var (page, violations) in results)
            foreach (var v in violations)
                md.AppendLine($"- **{page}** `{v.Id}` ({v.Impact}, {v.Nodes}): {v.Help}: `{string.Join("`, `", v.Targets.Take(5))}`" +
                    (v.Why is null ? "" : $" ({v.Why})"));
        var path = RepoPaths.Combine("TestResults", fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, md.ToString());
        return path;
    }
}
