namespace Portal.Onboarding;

/// <summary>The page of each wizard step; the gate sends a buyer to the page of the persisted step.</summary>
public static class OnboardingRoutes
{
    public static string PathFor(OnboardingStep step) => step switch
    {
        OnboardingStep.Landing => "/onboarding",
        OnboardingStep.Account => "/onboarding/account",
        OnboardingStep.VerifyEmail => "/onboarding/verify-email",
        OnboardingStep.BusinessInfo => "/onboarding/business",
        OnboardingStep.EnterpriseInfo => "/onboarding/enterprise",
        OnboardingStep.Site => "/onboarding/site",
        OnboardingStep.Organization => "/onboarding/organization",
        OnboardingStep.Workspace => "/onboarding/workspace",
        OnboardingStep.Review => "/onboarding/review",
        OnboardingStep.Linked => "/onboarding/linked",
        _ => "/onboarding",
    };
}
