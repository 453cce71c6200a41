namespace Portal.Onboarding;

/// <summary>
/// Answers typed on the current step but not submitted yet. Switching the language reloads the page (a circuit keeps
/// its culture for life), so the header asks the step that registered here to store them with its session first.
/// Scoped: one per circuit, shared by the header and the page.
/// </summary>
public sealed class UnsavedAnswers
{
    private Func<Task>? save;

    public IDisposable Register(Func<Task> saveAnswers)
    {
        save = saveAnswers;
        return new Registration(this, saveAnswers);
    }

    public Task SaveAsync() => save?.Invoke() ?? Task.CompletedTask;

    private sealed class Registration(UnsavedAnswers owner, Func<Task> saveAnswers) : IDisposable
    {
        // A newer page may have registered already; only clear our own.
        public void Dispose()
        {
            if (owner.save == saveAnswers) owner.save = null;
        }
    }
}
