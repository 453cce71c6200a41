namespace Portal.Onboarding;

/// <summary>The wizard's pages, in the order a new buyer meets them (FLOWS.md "The buyer's journey").</summary>
public enum OnboardingStep
{
    Landing, Account, VerifyEmail, BusinessInfo, EnterpriseInfo, Site, Organization, Workspace, Review, Linked,
}

public enum OnboardingTrigger
{
    Continue, Register, SignIn, VerifyEmail, SubmitBusinessInfo, SubmitEnterpriseInfo, ChooseSite,
    ChooseNewOrganization, ChooseExistingOrganization, CreateWorkspace, BindWorkspace, Link, Back,
}

/// <summary>What the guards may look at; built by the service from the session, the user and configuration.</summary>
public sealed record FlowContext(
    bool SignedIn = false,
    bool EmailVerified = false,
    bool NewUser = false,
    bool MultipleSites = true,
    bool Contract = false,
    bool ContractMayUseExistingOrganization = false,
    bool ContractEntitled = true,
    bool ExistingOrganizationChosen = false);

public sealed class OnboardingTransitionException(OnboardingStep from, OnboardingTrigger trigger, string reason)
    : InvalidOperationException($"{trigger} is not allowed at {from}: {reason}")
{
    public OnboardingStep From { get; } = from;
    public OnboardingTrigger Trigger { get; } = trigger;
    public string Reason { get; } = reason;
}

/// <summary>
/// The transition table of the wizard: plain C#, no UI, no EF. Every (step, trigger) pair not listed here is
/// refused with <see cref="OnboardingTransitionException"/>; listed pairs may still be refused by their guard.
/// </summary>
public static class OnboardingFlow
{
    private delegate OnboardingStep Rule(FlowContext c, OnboardingStep from, OnboardingTrigger t);

    private static readonly Dictionary<(OnboardingStep, OnboardingTrigger), Rule> Table = new()
    {
        [(OnboardingStep.Landing, OnboardingTrigger.Continue)] = (c, _, _) => c.SignedIn ? AfterAccount(c) : OnboardingStep.Account,
        [(OnboardingStep.Account, OnboardingTrigger.Register)] = (_, _, _) => OnboardingStep.VerifyEmail,
        [(OnboardingStep.Account, OnboardingTrigger.SignIn)] = (c, f, t) => Require(c.SignedIn, f, t, "not signed in") ?? AfterAccount(c),
        [(OnboardingStep.VerifyEmail, OnboardingTrigger.VerifyEmail)] = (c, f, t) =>
            Require(c.SignedIn && c.EmailVerified, f, t, "e-mail not verified") ?? OnboardingStep.BusinessInfo,
        [(OnboardingStep.BusinessInfo, OnboardingTrigger.SubmitBusinessInfo)] = (_, _, _) => OnboardingStep.EnterpriseInfo,
        [(OnboardingStep.EnterpriseInfo, OnboardingTrigger.SubmitEnterpriseInfo)] = (c, _, _) => c.MultipleSites ? OnboardingStep.Site : OnboardingStep.Organization,
        [(OnboardingStep.Site, OnboardingTrigger.ChooseSite)] = (_, _, _) => OnboardingStep.Organization,
        [(OnboardingStep.Organization, OnboardingTrigger.ChooseNewOrganization)] = (_, _, _) => OnboardingStep.Workspace,
        [(OnboardingStep.Organization, OnboardingTrigger.ChooseExistingOrganization)] = (c, f, t) =>
            Require(!c.Contract || c.ContractMayUseExistingOrganization, f, t, "a contract gets a new organization") ?? OnboardingStep.Workspace,
        [(OnboardingStep.Workspace, OnboardingTrigger.CreateWorkspace)] = (_, _, _) => OnboardingStep.Review,
        [(OnboardingStep.Workspace, OnboardingTrigger.BindWorkspace)] = (c, f, t) =>
            Require(c.ExistingOrganizationChosen, f, t, "a new organization has no workspace to bind") ?? OnboardingStep.Review,
        [(OnboardingStep.Review, OnboardingTrigger.Link)] = (c, f, t) =>
            Require(!c.Contract || c.ContractEntitled, f, t, "the contract is not entitled yet") ?? OnboardingStep.Linked,
        // Back goes to the previous editable step and never past an immutable choice (the account, the link).
        // A typo in the address, or an address that turns out to have an account: back to sign in or register.
        [(OnboardingStep.VerifyEmail, OnboardingTrigger.Back)] = (c, f, t) =>
            Require(!c.EmailVerified, f, t, "the e-mail is verified") ?? OnboardingStep.Account,
        [(OnboardingStep.EnterpriseInfo, OnboardingTrigger.Back)] = (_, _, _) => OnboardingStep.BusinessInfo,
        [(OnboardingStep.Site, OnboardingTrigger.Back)] = (c, f, t) =>
            Require(c.NewUser, f, t, "nothing editable before the site") ?? OnboardingStep.EnterpriseInfo,
        [(OnboardingStep.Organization, OnboardingTrigger.Back)] = (c, f, t) =>
            c.MultipleSites ? OnboardingStep.Site : Require(c.NewUser, f, t, "nothing editable before the organization") ?? OnboardingStep.EnterpriseInfo,
        [(OnboardingStep.Workspace, OnboardingTrigger.Back)] = (_, _, _) => OnboardingStep.Organization,
        [(OnboardingStep.Review, OnboardingTrigger.Back)] = (_, _, _) => OnboardingStep.Workspace,
    };

    /// <summary>The step <paramref name="trigger"/> leads to from <paramref name="from"/>, or a typed refusal.</summary>
    public static OnboardingStep Fire(OnboardingStep from, OnboardingTrigger trigger, FlowContext context) =>
        Table.TryGetValue((from, trigger), out var rule)
            ? rule(context, from, trigger)
            : throw new OnboardingTransitionException(from, trigger, "no such move");

    public static bool CanFire(OnboardingStep from, OnboardingTrigger trigger, FlowContext context)
    {
        try { Fire(from, trigger, context); return true; }
        catch (OnboardingTransitionException) { return false; }
    }

    /// <summary>Where a signed-in buyer goes after the account step: new users describe their business first.</summary>
    private static OnboardingStep AfterAccount(FlowContext c) =>
        c.NewUser ? OnboardingStep.BusinessInfo : c.MultipleSites ? OnboardingStep.Site : OnboardingStep.Organization;

    private static OnboardingStep? Require(bool condition, OnboardingStep from, OnboardingTrigger trigger, string reason) =>
        condition ? null : throw new OnboardingTransitionException(from, trigger, reason);
}
