namespace Portal.Bench.Crash;

public enum OnboardingOutcome { Running, Completed, NotResumable, Failed }

/// <summary>One buyer's onboarding as the driver saw it: what it sent, how far it got, and why it stopped.</summary>
public sealed class CrashOnboarding(int index, string accountId)
{
    public int Index { get; } = index;
    public string AccountId { get; } = accountId;
    public string Email => $"crash.buyer{Index:D4}@example.com";
    public string OrganizationName => $"Crash Org {Index:D4}";
    public const string Password = "Str0ng!Passw0rd";

    /// <summary>The portal answered the landing with 303: from here on its subscription must exist.</summary>
    public bool Landed { get; set; }
    public Guid? OrganizationId { get; set; }
    public OnboardingOutcome Outcome { get; private set; } = OnboardingOutcome.Running;
    public string? Reason { get; private set; }
    /// <summary>Times the page was reopened after the portal died or a step did not move.</summary>
    public int Reloads { get; set; }
    public int VerifyAttempts { get; set; }
    /// <summary>Times the wizard asked this browser to sign in again (its sign-in cookie was lost to a kill).</summary>
    public int SignInsAgain { get; set; }
    /// <summary>Why the page was last reopened, for --verbose.</summary>
    public string? LastError { get; set; }
    /// <summary>Every attempt that failed while the portal stayed up, with what the page said.</summary>
    public List<string> Stalls { get; } = [];
    /// <summary>The page the driver works on now, for the watchdog's report.</summary>
    public Microsoft.Playwright.IPage? Page { get; set; }

    public void Finish(OnboardingOutcome outcome, string? reason = null) => (Outcome, Reason) = (outcome, reason);
}

/// <summary>The portal went away (SIGKILL) while an action was in flight.</summary>
public sealed class VictimDiedException() : Exception("The portal was killed during the action.");
