namespace Portal.Onboarding.Steps;

/// <summary>A value with its label in the buyer's language, for drop-downs and radio lists.</summary>
public sealed record Choice(string Value, string Text);
