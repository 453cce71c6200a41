using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Marketplace.Simulator;
using Portal.Metering;

namespace Portal.Bench.Crash;

/// <summary>
/// <c>crash [--short] [--onboardings N] [--usage N] [--endings N] [--seed S] [--provider Sqlite|Postgres] [--parallel N] [--life S]
/// [--max-minutes M] [--stall-minutes M] [--verbose] [--keep]</c>: the built
/// portal runs as its own process and is killed with SIGKILL at random moments while Chromium buyers onboard and a
/// client reports usage; it is restarted each time. "AWS" (the simulator) lives in this process, which is never killed,
/// so what AWS holds survives every crash. Some agreements end during the run (--endings): final usage, Purchase
/// Agreement Ended, usage after the end, License Deprovisioned (<see cref="AgreementEnding"/>). Exits non-zero unless every figure is 0 and all work completed. A watchdog
/// bounds the run: past --max-minutes, or after --stall-minutes with nothing done, it stops and reports every buyer's page.
/// </summary>
public static class CrashTest
{
    public static async Task<int> RunAsync(string repo, string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var isShort = args.Contains("--short");
        var onboardingCount = int.TryParse(Arg("--onboardings"), out var n) ? n : isShort ? 8 : 200;
        var usageCount = int.TryParse(Arg("--usage"), out var u) ? u : isShort ? 500 : 10_000;
        // Agreements ended during the run, after their usage: a quarter of them, at least one.
        var endingCount = Math.Min(onboardingCount, int.TryParse(Arg("--endings"), out var en) ? en : Math.Max(1, onboardingCount / 4));
        var seed = int.TryParse(Arg("--seed"), out var s) ? s : 20261126;
        var parallel = int.TryParse(Arg("--parallel"), out var p) ? p : 4;
        var minKills = isShort ? 3 : 1;
        var provider = Arg("--provider") ?? "Sqlite";
        // After each start the portal lives until the clients got something done, then a random 0–N more seconds
        // (--life N; 0: never killed, for debugging). A fixed clock alone would starve a slow machine: a wizard step
        // that takes longer than the portal's life would be cut forever, which tests the machine, not the portal.
        var life = int.TryParse(Arg("--life"), out var l) ? l : 6;
        var verbose = args.Contains("--verbose");
        // Bounds on wall time, so a run always ends (CI would otherwise wait for its own timeout, with no output):
        // past --max-minutes no onboarding starts and the watchdog stops the ones running; --stall-minutes with no
        // completed step, kill or accepted usage event stops the run too. Either way it fails, saying what each
        // stuck buyer's page shows.
        var deadline = TimeSpan.FromMinutes(double.TryParse(Arg("--max-minutes"), out var mm) ? mm : isShort ? 12 : 180);
        var stallLimit = TimeSpan.FromMinutes(double.TryParse(Arg("--stall-minutes"), out var sm) ? sm : 3);
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"Crash test: {onboardingCount} onboardings, {usageCount} usage events, {endingCount} agreements ended, seed {seed}, {provider}, {parallel} buyers at a time, " +
                          $"at most {deadline.TotalMinutes:G} minutes ({stallLimit.TotalMinutes:G} without progress)");

        // AWS: an in-process portal in Simulator mode, only its simulator endpoints are used. Never killed.
        await using var aws = new BenchPortal(new Dictionary<string, string?> { ["Metering:Enabled"] = "false" }, null);
        aws.StartServer();
        var awsUrl = new Uri(aws.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1") + "/");
        var tokens = aws.Services.GetRequiredService<SimulatorTokens>();
        var state = aws.Services.GetRequiredService<SimulatorState>();

        await using var db = await VictimDb.CreateAsync(provider);
        // The EventBridge API destination's shared secret (a fresh one per run; the victim checks it on every event).
        var eventBridgeSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        db.Keep = args.Contains("--keep");
        await using var victim = new VictimProcess(repo, new Dictionary<string, string?>
        {
            ["Database:Provider"] = db.Provider, ["ConnectionStrings:Portal"] = db.ConnectionString,
            // The victim resolves tokens and meters at the AWS host's simulator, like TwoProcessTests' second process.
            ["Marketplace:Mode"] = "Simulator",
            ["Marketplace:MeteringEndpoint"] = new Uri(awsUrl, "_simulator/aws/metering/").ToString(),
            ["Marketplace:EntitlementEndpoint"] = new Uri(awsUrl, "_simulator/aws/entitlement/").ToString(),
            ["Marketplace:EventBridge:Secret"] = eventBridgeSecret,
            ["Marketplace:Products:0:ProductCode"] = BenchPortal.Product, ["Marketplace:Products:0:Name"] = "Bench Analytics",
            ["Brand:AssetsPath"] = Path.Combine(repo, "wwwroot-assets"),
            ["Email:Mode"] = "Mailbox", ["DevTools:Enabled"] = "true", ["RateLimits:Enabled"] = "false",
            // Metering during the run, not once an hour; a killed holder's lease and retry back-off scaled down to match.
            ["Metering:Interval"] = "00:00:02", ["Metering:LeaseDuration"] = "00:00:05",
            ["Metering:RetryBaseDelay"] = "00:00:01", ["Metering:MaxRetryDelay"] = "00:00:05",
            ["Accounts:ResendCooldown"] = "00:00:01", // a buyer whose code e-mail died with the process asks again
            ["Logging:LogLevel:Default"] = "Warning", ["Logging:LogLevel:Portal.Organizations"] = "Information",
        });
        if (db.Keep) victim.LogTo(Path.Combine(db.Folder, "portal.log"));
        await victim.StartAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        });

        var rng = new Random(seed);
        var onboardings = Enumerable.Range(0, onboardingCount).Select(i => new CrashOnboarding(i, (700_000_000_000L + seed % 1000 * 1000 + i).ToString())).ToList();
        var buyer = new BuyerDriver(browser, victim, db, account => tokens.Mint(BenchPortal.Product, SimulatedOffer.Payg, account),
            db.Keep ? db.Folder : null);
        var usage = new UsageDriver(victim, db, MeteringClock.HourOf(DateTimeOffset.UtcNow), hours: 4);
        var ending = new AgreementEnding(victim, db, usage, new Portal.Marketplace.EventBridgeOptions().HeaderName, eventBridgeSecret);
        // Spread over the run: every k-th onboarding's agreement ends once its usage is in.
        var endEvery = Math.Max(1, onboardingCount / Math.Max(1, endingCount));
        bool Ends(int i) => endingCount > 0 && (i + 1) % endEvery == 0 && (i + 1) / endEvery <= endingCount;
        var usageTasks = new List<Task>();
        using var usageGate = new SemaphoreSlim(parallel);
        var next = -1;
        var completedAt = new List<double>();

        async Task BuyerLoop()
        {
            for (int i; (i = Interlocked.Increment(ref next)) < onboardings.Count;)
            {
                if (clock.Elapsed > deadline) { onboardings[i].Finish(OnboardingOutcome.Failed, "not started: --max-minutes reached"); continue; }
                var o = onboardings[i];
                try { await buyer.RunAsync(o); }
                catch (Exception e) { o.Finish(OnboardingOutcome.Failed, e.GetType().Name + ": " + e.Message.Split('\n')[0]); }
                if (o.Outcome != OnboardingOutcome.Completed) continue;
                var share = usageCount / onboardingCount + (i < usageCount % onboardingCount ? 1 : 0);
                var index = i; // the loop's variable is shared by its iterations; the task below runs later
                lock (usageTasks) usageTasks.Add(Task.Run(async () =>
                {
                    await usageGate.WaitAsync();
                    try
                    {
                        await usage.RunAsync(o, share, seed + index);
                        if (Ends(index)) await ending.RunAsync(o, seed + index);
                    }
                    finally { usageGate.Release(); }
                }));
            }
        }

        var work = Task.Run(async () =>
        {
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(BuyerLoop)));
            Task[] pending;
            lock (usageTasks) pending = [.. usageTasks];
            await Task.WhenAll(pending);
        });

        // The killer: SIGKILL at a random moment while work is in flight, then start again on the same port. It waits
        // for progress after each start; the watchdog is asked all the while, and a status line printed every 30 s.
        var watchdog = new CrashWatchdog(deadline, stallLimit, () => (victim.Progress, victim.Kills, usage.Accepted.Count));
        var lastReport = clock.Elapsed;
        bool Tripped()
        {
            if (verbose || clock.Elapsed - lastReport > TimeSpan.FromSeconds(30))
            {
                lastReport = clock.Elapsed;
                Console.WriteLine($"  {clock.Elapsed:mm\\:ss} {onboardings.Count(x => x.Outcome != OnboardingOutcome.Running)}/{onboardingCount} onboardings done, " +
                                  $"{usage.Accepted.Count} usage events accepted, {victim.Kills} kills, idle {watchdog.Idle.TotalSeconds:F0} s");
                if (verbose) foreach (var o in onboardings.Where(o => o.LastError is not null)) Console.WriteLine($"    {o.Index}: {o.LastError}");
            }
            return watchdog.Check(clock.Elapsed);
        }
        while (!work.IsCompleted && !Tripped())
        {
            var progressAtStart = victim.Progress;
            while (!work.IsCompleted && victim.Progress == progressAtStart && !Tripped()) await Task.WhenAny(work, Task.Delay(100));
            if (watchdog.Reason is not null) break;
            await Task.WhenAny(work, Task.Delay(life == 0 ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(rng.Next(0, life * 1000))));
            if (work.IsCompleted || life == 0) continue;
            await victim.KillAsync();
            await victim.StartAsync();
        }
        var stuck = new List<string>();
        if (watchdog.Reason is { } reason)
        {
            Console.WriteLine($"  {clock.Elapsed:mm\\:ss} watchdog: {reason}; what each running buyer's page shows:");
            foreach (var o in onboardings.Where(o => o.Outcome == OnboardingOutcome.Running && o.Landed))
            {
                var line = $"onboarding {o.Index}: {await BuyerDriver.DescribeAsync(o)} (last error: {o.LastError ?? "none"})";
                stuck.Add(line);
                Console.WriteLine("    " + line);
            }
            await buyer.StopAsync();
            // And the browser itself: an action waiting on a page (a click, a navigation) then ends at once, not at its timeout.
            try { await browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(30)); }
            catch (Exception e) when (e is PlaywrightException or TimeoutException) { }
        }
        string? crashed = null;
        // The loop above ends only when the work is done or the watchdog stopped it; after a stop, buyers end as their
        // contexts close and usage senders at their next request. Either way a minute is plenty.
        try { await work.WaitAsync(TimeSpan.FromMinutes(1)); }
        catch (TimeoutException) { crashed = "work still running a minute after the watchdog stopped it"; }
        catch (Exception e) { crashed = e.Message; }
        var driving = clock.Elapsed;

        // No more kills: the portal must now send everything it owes for the hours that have closed.
        var quiet = await CrashAudit.WaitForQuietAsync(db, TimeSpan.FromMinutes(3));
        var f = await CrashAudit.ComputeAsync(db, state, onboardings, usage.Accepted, ending.Ended);

        var completed = onboardings.Count(o => o.Outcome == OnboardingOutcome.Completed);
        var problems = new List<string>();
        if (watchdog.Reason is not null) problems.Add($"watchdog: {watchdog.Reason} ({stuck.Count} buyers stuck, their pages listed above)");
        if (crashed is not null) problems.Add("the driver failed: " + crashed);
        if (completed != onboardingCount) problems.Add($"{onboardingCount - completed} onboardings did not complete");
        var endsWanted = onboardings.Count(o => Ends(o.Index) && o.Outcome == OnboardingOutcome.Completed);
        if (ending.Ended.Count != endsWanted) problems.Add($"{endsWanted - ending.Ended.Count} agreements were not ended");
        problems.AddRange(ending.Problems.Take(10));
        if (usage.Accepted.Count - ending.Ended.Sum(e => e.FinalEvents) != usageCount) problems.Add($"{usageCount - usage.Accepted.Count} usage events were not accepted");
        if (!quiet) problems.Add("metering did not finish sending the closed hours within 3 minutes");
        if (victim.Kills < minKills) problems.Add($"only {victim.Kills} kills (at least {minKills} wanted)");
        problems.AddRange(usage.Refused.Take(10).Select(r => "usage refused: " + r));

        (string, string)[] rows =
        [
            ("subscriptions lost", $"{f.SubscriptionsLost}"),
            ("subscriptions duplicated", $"{f.SubscriptionsDuplicated}"),
            ("sessions not resumable", $"{f.SessionsNotResumable}"),
            ("usage hours metered zero times", $"{f.HoursMeteredZero}"),
            ("usage hours metered twice", $"{f.HoursMeteredTwice}"),
            ("customer+dimension totals not matching", $"{f.QuantityMismatches}"),
            ("accepted usage events lost", $"{f.UsageEventsLost}"),
            ("usage events stored twice or unasked", $"{f.UsageEventsExtra}"),
            ("closed-hour records not sent", $"{f.RecordsNotSent}"),
            ("ended agreements not closed", $"{f.EndsNotClosed}"),
            ("final-hour units not billed at the end", $"{f.FinalUnitsNotBilled}"),
            ("usage after the end accepted", $"{f.UsageAfterEndStored}"),
            ("---", "---"),
            ("kills (SIGKILL) / starts", $"{victim.Kills} / {victim.Starts} (start to ready {victim.StartTime.TotalSeconds / victim.Starts:F1} s on average)"),
            ("onboardings completed", $"{completed} of {onboardingCount} (page reopened {onboardings.Sum(o => o.Reloads)} times, signed in again {onboardings.Sum(o => o.SignInsAgain)} times)"),
            ("usage events accepted", $"{usage.Accepted.Count - ending.Ended.Sum(e => e.FinalEvents)} of {usageCount} and {ending.Ended.Sum(e => e.FinalEvents)} final ({usage.Accepted.Count(a => a.Replayed)} answered as a retry of a stored event, {usage.Retries} retries)"),
            ("agreements ended", $"{ending.Ended.Count} of {endingCount} ({ending.Ended.Sum(e => e.FinalUnits):N0} final-hour units, " +
                                  $"{ending.Ended.Count(e => e.AfterEndRefused)} late events refused, {f.FinalUnitsMoved:N0} units moved to the next hour)"),
            ("usage hours metered (AWS records)", $"{f.HoursMetered} holding {f.QuantityMetered:N0} units"),
            ("units waiting in the running hour", $"{f.QuantityInOpenHour:N0} (sent when that hour closes)"),
            ("portal log lines fail:/crit:", $"{victim.Failures.Count}"),
            ("duration", $"{driving:mm\\:ss} driving, {clock.Elapsed:mm\\:ss} in all"),
        ];
        var width = rows.Max(r => r.Item1.Length);
        Console.WriteLine();
        foreach (var (k, v) in rows) Console.WriteLine(k == "---" ? new string('-', width + 20) : $"{k.PadRight(width)}  {v}");
        foreach (var d in f.Details.Take(30)) Console.WriteLine("  " + d);
        foreach (var o in onboardings.Where(o => o.Outcome != OnboardingOutcome.Completed && o.Stalls.Count > 0))
            foreach (var stall in o.Stalls) Console.WriteLine($"    onboarding {o.Index} stalled: {stall}");
        foreach (var line in victim.Failures.Distinct().Take(10)) Console.WriteLine("  portal: " + line);
        var figures = new[] { f.SubscriptionsLost, f.SubscriptionsDuplicated, f.SessionsNotResumable, f.HoursMeteredZero, f.HoursMeteredTwice,
            f.QuantityMismatches, f.UsageEventsLost, f.UsageEventsExtra, f.RecordsNotSent, f.EndsNotClosed, f.FinalUnitsNotBilled, f.UsageAfterEndStored };
        foreach (var problem in problems) Console.WriteLine("  problem: " + problem);
        var ok = figures.All(x => x == 0) && problems.Count == 0;
        Console.WriteLine(ok ? "CRASH TEST PASSED: every figure is 0" : "CRASH TEST FAILED");
        return ok ? 0 : 1;
    }
}
