using Portal.Data;

namespace Portal.Onboarding.Components;

/// <summary>
/// Runs a wizard step's save. When the database is briefly unavailable the save is reported as not done instead of
/// failing the circuit: the page stays as it is, with what the buyer typed still in the form, and says to try again.
/// </summary>
public sealed class StepSaver(ILogger<StepSaver> logger)
{
    /// <summary>True when <paramref name="save"/> completed; false when the database could not be used just now.</summary>
    public async Task<bool> TryAsync(Func<Task> save)
    {
        try
        {
            await save();
            return true;
        }
        catch (Exception ex) when (DbErrors.IsUnavailable(ex))
        {
            // A warning, not an error: the buyer is told and retries; /health/ready reports the outage itself.
            logger.LogWarning("A wizard step could not be saved, the database is unavailable ({Error}); the answers stay in the form",
                ex.GetBaseException().GetType().Name);
            return false;
        }
    }
}
