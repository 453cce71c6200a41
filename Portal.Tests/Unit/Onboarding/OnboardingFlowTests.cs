using Portal.Onboarding;

namespace Portal.Tests.Unit.Onboarding;

/// <summary>Every (step, trigger) pair: allowed moves land where they should, every other move is refused with a typed error.</summary>
public sealed class OnboardingFlowTests
{
    // A new user, signed in and verified, several sites, a PAYG offer, an existing organization chosen.
    private static readonly FlowContext Open = new(SignedIn: true, EmailVerified: true, NewUser: true, MultipleSites: true,
        Contract: false, ExistingOrganizationChosen: true);

    /// <summary>The expected table, written out independently of the implementation.</summary>
    private static readonly Dictionary<(OnboardingStep, OnboardingTrigger), OnboardingStep> Allowed = new()
    {
        [(OnboardingStep.Landing, OnboardingTrigger.Continue)] = OnboardingStep.BusinessInfo,
        [(OnboardingStep.Account, OnboardingTrigger.Register)] = OnboardingStep.VerifyEmail,
        [(OnboardingStep.Account, OnboardingTrigger.SignIn)] = OnboardingStep.BusinessInfo,
        [(OnboardingStep.VerifyEmail, OnboardingTrigger.VerifyEmail)] = OnboardingStep.BusinessInfo,
        [(OnboardingStep.BusinessInfo, OnboardingTrigger.SubmitBusinessInfo)] = OnboardingStep.EnterpriseInfo,
        [(OnboardingStep.EnterpriseInfo, OnboardingTrigger.SubmitEnterpriseInfo)] = OnboardingStep.Site,
        [(OnboardingStep.EnterpriseInfo, OnboardingTrigger.Back)] = OnboardingStep.BusinessInfo,
        [(OnboardingStep.Site, OnboardingTrigger.ChooseSite)] = OnboardingStep.Organization,
        [(OnboardingStep.Site, OnboardingTrigger.Back)] = OnboardingStep.EnterpriseInfo,
        [(OnboardingStep.Organization, OnboardingTrigger.ChooseNewOrganization)] = OnboardingStep.Workspace,
        [(OnboardingStep.Organization, OnboardingTrigger.ChooseExistingOrganization)] = OnboardingStep.Workspace,
        [(OnboardingStep.Organization, OnboardingTrigger.Back)] = OnboardingStep.Site,
        [(OnboardingStep.Workspace, OnboardingTrigger.CreateWorkspace)] = OnboardingStep.Review,
        [(OnboardingStep.Workspace, OnboardingTrigger.BindWorkspace)] = OnboardingStep.Review,
        [(OnboardingStep.Workspace, OnboardingTrigger.Back)] = OnboardingStep.Organization,
        [(OnboardingStep.Review, OnboardingTrigger.Link)] = OnboardingStep.Linked,
        [(OnboardingStep.Review, OnboardingTrigger.Back)] = OnboardingStep.Workspace,
    };

    public static TheoryData<OnboardingStep, OnboardingTrigger> EveryPair()
    {
        var data = new TheoryData<OnboardingStep, OnboardingTrigger>();
        foreach (var step in Enum.GetValues<OnboardingStep>())
            foreach (var trigger in Enum.GetValues<OnboardingTrigger>())
                data.Add(step, trigger);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Fire_EveryStepAndTrigger_MovesAsTableSaysOrRefuses(OnboardingStep from, OnboardingTrigger trigger)
    {
        if (Allowed.TryGetValue((from, trigger), out var expected))
        {
            Assert.Equal(expected, OnboardingFlow.Fire(from, trigger, Open));
        }
        else
        {
            var ex = Assert.Throws<OnboardingTransitionException>(() => OnboardingFlow.Fire(from, trigger, Open));
            Assert.Equal(from, ex.From);
            Assert.Equal(trigger, ex.Trigger);
        }
    }

    [Fact]
    public void VerifyEmail_Back_BeforeVerification_ReturnsToAccount_AfterIsRefused()
    {
        Assert.Equal(OnboardingStep.Account, OnboardingFlow.Fire(OnboardingStep.VerifyEmail, OnboardingTrigger.Back, new FlowContext()));
        Assert.False(OnboardingFlow.CanFire(OnboardingStep.VerifyEmail, OnboardingTrigger.Back, new FlowContext(SignedIn: true, EmailVerified: true)));
    }

    [Fact]
    public void Linked_AnyTrigger_Refused() =>
        Assert.All(Enum.GetValues<OnboardingTrigger>(), t => Assert.False(OnboardingFlow.CanFire(OnboardingStep.Linked, t, Open)));

    [Fact]
    public void Continue_NotSignedIn_GoesToAccount() =>
        Assert.Equal(OnboardingStep.Account, OnboardingFlow.Fire(OnboardingStep.Landing, OnboardingTrigger.Continue, new FlowContext()));

    [Fact]
    public void SignIn_ExistingUserOneSite_SkipsBusinessInfoAndSite() =>
        Assert.Equal(OnboardingStep.Organization, OnboardingFlow.Fire(OnboardingStep.Account, OnboardingTrigger.SignIn,
            new FlowContext(SignedIn: true, NewUser: false, MultipleSites: false)));

    [Fact]
    public void SignIn_ExistingUserSeveralSites_GoesToSite() =>
        Assert.Equal(OnboardingStep.Site, OnboardingFlow.Fire(OnboardingStep.Account, OnboardingTrigger.SignIn,
            new FlowContext(SignedIn: true, NewUser: false, MultipleSites: true)));

    [Fact]
    public void SignIn_WithoutSignedInUser_Refused() =>
        Assert.Throws<OnboardingTransitionException>(() => OnboardingFlow.Fire(OnboardingStep.Account, OnboardingTrigger.SignIn, new FlowContext()));

    [Fact]
    public void VerifyEmail_NotVerified_Refused() =>
        Assert.Throws<OnboardingTransitionException>(() => OnboardingFlow.Fire(OnboardingStep.VerifyEmail, OnboardingTrigger.VerifyEmail,
            Open with { EmailVerified = false }));

    [Fact]
    public void SubmitEnterpriseInfo_OneSite_SkipsSite() =>
        Assert.Equal(OnboardingStep.Organization, OnboardingFlow.Fire(OnboardingStep.EnterpriseInfo, OnboardingTrigger.SubmitEnterpriseInfo,
            Open with { MultipleSites = false }));

    [Fact]
    public void ChooseExistingOrganization_Contract_RefusedUnlessVendorAllows()
    {
        Assert.Throws<OnboardingTransitionException>(() =>
            OnboardingFlow.Fire(OnboardingStep.Organization, OnboardingTrigger.ChooseExistingOrganization, Open with { Contract = true }));

        Assert.Equal(OnboardingStep.Workspace, OnboardingFlow.Fire(OnboardingStep.Organization, OnboardingTrigger.ChooseExistingOrganization,
            Open with { Contract = true, ContractMayUseExistingOrganization = true }));
    }

    [Fact]
    public void BindWorkspace_NewOrganization_Refused() =>
        Assert.Throws<OnboardingTransitionException>(() =>
            OnboardingFlow.Fire(OnboardingStep.Workspace, OnboardingTrigger.BindWorkspace, Open with { ExistingOrganizationChosen = false }));

    [Fact]
    public void Link_ContractNotEntitled_Refused() =>
        Assert.Throws<OnboardingTransitionException>(() =>
            OnboardingFlow.Fire(OnboardingStep.Review, OnboardingTrigger.Link, Open with { Contract = true, ContractEntitled = false }));

    [Theory]
    [InlineData(OnboardingStep.Site)]
    [InlineData(OnboardingStep.Organization)]
    public void Back_ExistingUserOneSite_NeverReturnsPastAccount(OnboardingStep from)
    {
        var existing = new FlowContext(SignedIn: true, NewUser: false, MultipleSites: false);

        Assert.Throws<OnboardingTransitionException>(() => OnboardingFlow.Fire(from, OnboardingTrigger.Back, existing));
    }
}
