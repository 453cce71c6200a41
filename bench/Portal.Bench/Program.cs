using System.Runtime.InteropServices;

namespace Portal.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/Portal.Bench -- [metering] [--records N] [--postgres "&lt;connection string&gt;"]</c>
/// prints a table of measurements. Nothing here is asserted: tests carry no timing thresholds.
/// (Not top-level statements: their generated Program class would clash with the portal's.)
/// </summary>
public static class BenchMain
{
    public static async Task Main(string[] args)
    {
        var what = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "metering";
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var records = int.TryParse(Arg("--records"), out var n) ? n : 100_000;
        var postgres = Arg("--postgres");
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");

        Console.WriteLine($"Portal benchmark: {what} on {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, " +
                          $".NET {Environment.Version}, {(postgres is null ? "SQLite" : "PostgreSQL")}");
        var rows = what switch
        {
            "metering" => await MeteringBench.RunAsync(records, postgres),
            _ => throw new ArgumentException($"Unknown benchmark '{what}'. Known: metering."),
        };
        var width = rows.Max(r => r.Measure.Length);
        Console.WriteLine();
        Console.WriteLine($"| {"measure".PadRight(width)} | value");
        Console.WriteLine($"|{new string('-', width + 2)}|------");
        foreach (var (measure, value) in rows) Console.WriteLine($"| {measure.PadRight(width)} | {value}");
    }
}
