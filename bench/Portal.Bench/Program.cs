using System.Runtime.InteropServices;

namespace Portal.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/Portal.Bench -- [all|landing|circuits|arrival|transitions|metering|startup|accounts|reset|crash] [--records N] [--seconds N] [--samples N]
/// [--postgres "&lt;connection string&gt;"]</c>
/// prints a table of measurements; <c>crash</c> (see Crash/CrashTest.cs) is a pass/fail crash test with its own options. Nothing here is asserted: tests carry no timing thresholds.
/// (Not top-level statements: their generated Program class would clash with the portal's.)
/// </summary>
public static class BenchMain
{
    public static async Task Main(string[] args)
    {
        var what = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var records = int.TryParse(Arg("--records"), out var n) ? n : 100_000;
        var postgres = Arg("--postgres");
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");

        var repo = Directory.GetCurrentDirectory();
        while (!File.Exists(Path.Combine(repo, "Onboarding.sln")) && Directory.GetParent(repo) is { } parent) repo = parent.FullName;
        if (what == "crash")
        {
            Environment.ExitCode = await Crash.CrashTest.RunAsync(repo, args);
            return;
        }
        Console.WriteLine($"Portal benchmark: {what} on {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, " +
                          $".NET {Environment.Version}, {(postgres is null ? "SQLite" : "PostgreSQL")}");
        var seconds = int.TryParse(Arg("--seconds"), out var sec) ? sec : 10;
        var rows = new List<(string Measure, string Value)>();
        if (what is "all" or "landing") rows.AddRange(await LandingBench.RunAsync(postgres, TimeSpan.FromSeconds(seconds), 500));
        if (what is "all" or "circuits") rows.AddRange(await CircuitBench.RunAsync(postgres, 40));
        if (what is "all" or "arrival") rows.AddRange(await SpeedBench.ArrivalAsync(postgres, int.TryParse(Arg("--arrivals"), out var a) ? a : 30, repo));
        if (what is "all" or "transitions") rows.AddRange(await TransitionBench.RunAsync(postgres, int.TryParse(Arg("--buyers"), out var b) ? b : 40));
        if (what is "all" or "metering") rows.AddRange(await MeteringBench.RunAsync(records, postgres));
        if (what is "all" or "startup") rows.AddRange(await StartupBench.RunAsync(repo, 5));
        if (what is "all" or "accounts") rows.AddRange(await AccountsBench.RunAsync(postgres, int.TryParse(Arg("--samples"), out var s) ? s : 60));
        if (what is "reset") rows.AddRange(await ResetBench.RunAsync(postgres, int.TryParse(Arg("--samples"), out var r) ? r : 10));
        if (rows.Count == 0) throw new ArgumentException($"Unknown benchmark '{what}'. Known: all, landing, circuits, arrival, transitions, metering, startup, accounts, reset, crash.");
        var width = rows.Max(r => r.Measure.Length);
        Console.WriteLine();
        Console.WriteLine($"| {"measure".PadRight(width)} | value");
        Console.WriteLine($"|{new string('-', width + 2)}|------");
        foreach (var (measure, value) in rows) Console.WriteLine($"| {measure.PadRight(width)} | {value}");
    }
}
