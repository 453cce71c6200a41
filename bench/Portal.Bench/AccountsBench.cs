using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;

namespace Portal.Bench;

/// <summary>
/// Does an account action take measurably longer when the address has an account? Register (new vs taken address),
/// sign in (unknown address vs wrong password) and ask for a reset (existing vs unknown), interleaved pair by pair on
/// the real services and database, so drift hits both sides alike. Printed, never asserted.
/// </summary>
public static class AccountsBench
{
    public static async Task<List<(string, string)>> RunAsync(string? postgres, int samples)
    {
        await using var portal = new BenchPortal(new Dictionary<string, string?>(), postgres);
        portal.StartServer();
        var existing = new List<string>();
        for (var i = 0; i < samples + 5; i++)
        {
            await using var scope = portal.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var email = $"known{i}@example.com";
            await users.CreateAsync(new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow }, "Str0ng!Passw0rd");
            existing.Add(email);
        }

        async Task<double> TimeAsync(Func<IServiceProvider, Task> act)
        {
            await using var scope = portal.Services.CreateAsyncScope();
            var watch = Stopwatch.StartNew();
            await act(scope.ServiceProvider);
            return watch.Elapsed.TotalMilliseconds;
        }

        var rows = new List<(string, string)>();
        async Task PairAsync(string name, string aName, Func<IServiceProvider, int, Task> a, string bName, Func<IServiceProvider, int, Task> b)
        {
            var (ta, tb) = (new List<double>(), new List<double>());
            for (var i = 0; i < samples + 5; i++)
            {
                var (x, y) = (await TimeAsync(sp => a(sp, i)), await TimeAsync(sp => b(sp, i)));
                if (i < 5) continue; // warm-up: JIT and first queries
                ta.Add(x);
                tb.Add(y);
            }
            rows.Add(($"{name}: {aName} median / p90", $"{Median(ta):F1} / {P90(ta):F1} ms"));
            rows.Add(($"{name}: {bName} median / p90", $"{Median(tb):F1} / {P90(tb):F1} ms"));
            rows.Add(($"{name}: difference of medians", $"{Median(tb) - Median(ta):+0.0;-0.0} ms ({(Median(tb) / Median(ta) - 1) * 100:+0;-0} %)"));
        }

        await PairAsync("register", "new address", (sp, i) => sp.GetRequiredService<AccountService>().RegisterAsync($"fresh{i}@example.com", "Bench", "Str0ng!Passw0rd"),
            "taken address", (sp, i) => sp.GetRequiredService<AccountService>().RegisterAsync(existing[i], "Bench", "Str0ng!Passw0rd"));
        await PairAsync("sign-in", "unknown address", (sp, i) => sp.GetRequiredService<AccountService>().CheckPasswordAsync($"ghost{i}@example.com", "Wr0ng!Passw0rd"),
            "wrong password", (sp, i) => sp.GetRequiredService<AccountService>().CheckPasswordAsync(existing[i], "Wr0ng!Passw0rd"));
        await PairAsync("password reset", "unknown address", (sp, i) => sp.GetRequiredService<PasswordResets>().RequestAsync($"ghost{i}@example.com"),
            "existing account", (sp, i) => sp.GetRequiredService<PasswordResets>().RequestAsync(existing[i]));
        rows.Add(("accounts: samples per side", samples.ToString()));
        return rows;
    }

    private static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
    private static double P90(List<double> v) => v.Order().ElementAt((int)(v.Count * 0.9));
}
