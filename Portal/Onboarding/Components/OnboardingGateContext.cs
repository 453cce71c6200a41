namespace Portal.Onboarding.Components;

/// <summary>What a step page gets from the gate: the session, the signed-in user, and a way to re-read both.</summary>
public sealed record OnboardingGateContext(OnboardingSession Session, string? UserId, Func<Task> Reload);
