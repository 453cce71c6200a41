using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Portal.Onboarding;
using Portal.Onboarding.Steps;

namespace Portal.Tests.Components;

/// <summary>
/// Every free-text field of the wizard gets hostile input: it is refused with a message and nothing is stored, or
/// it is stored exactly as typed and shown back as text (never as markup).
/// </summary>
public sealed class HostileWizardInputTests : StepPageContext
{
    public static readonly string[] Values =
    [
        new string('x', 10_000),
        "\u202Eمرحبا بالعالم שלום עולם\u202C",
        "👩‍👩‍👧‍👦 🏳️‍🌈 🇯🇵 e\u0301",
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "'; DROP TABLE Users; --",
        "a\0b\u0001c\u001b[31m",
        "half \uD83D pair",
    ];

    /// <summary>Longer than any column, or not plain text: every field must refuse these.</summary>
    public static bool MustRefuse(string value) => value.Length > 1000 || !RuleExtensions.IsPlainText(value, multiline: true);

    private sealed record Field(OnboardingStep Step, OnboardingStep Next, string Selector, Func<OnboardingData, string?> Read);

    private static readonly Dictionary<string, Field> Fields = new()
    {
        ["company"] = new(OnboardingStep.BusinessInfo, OnboardingStep.EnterpriseInfo, "input[name=company]", d => d.Business?.CompanyName),
        ["phone"] = new(OnboardingStep.BusinessInfo, OnboardingStep.EnterpriseInfo, "input[name=phone]", d => d.Business?.Phone),
        ["usecase"] = new(OnboardingStep.BusinessInfo, OnboardingStep.EnterpriseInfo, "textarea[name=usecase]", d => d.Business?.UseCase),
        ["legal"] = new(OnboardingStep.EnterpriseInfo, OnboardingStep.Site, "input[name=legal]", d => d.Enterprise?.LegalEntityName),
        ["address"] = new(OnboardingStep.EnterpriseInfo, OnboardingStep.Site, "textarea[name=address]", d => d.Enterprise?.Address),
        ["taxid"] = new(OnboardingStep.EnterpriseInfo, OnboardingStep.Site, "input[name=taxid]", d => d.Enterprise?.TaxId),
        ["billingemail"] = new(OnboardingStep.EnterpriseInfo, OnboardingStep.Site, "input[name=billingemail]", d => d.Enterprise?.BillingEmail),
        ["org-name"] = new(OnboardingStep.Organization, OnboardingStep.Workspace, "input[name=org-name]", d => d.Organization?.Name),
        ["ws-name"] = new(OnboardingStep.Workspace, OnboardingStep.Review, "input[name=ws-name]", d => d.Workspace?.Name),
    };

    public static TheoryData<string> FieldNames => [.. Fields.Keys];

    /// <summary>Valid answers for every other field, so the hostile one decides the outcome.</summary>
    private static OnboardingData Baseline() => new()
    {
        Business = new BusinessInfoModel { CompanyName = "Acme", Role = "Engineering", CompanySize = "11-50", Country = "JP", UseCase = "Monitoring" },
        Enterprise = new EnterpriseInfoModel { LegalEntityName = "Acme K.K.", Industry = "Retail", Address = "Tokyo", BillingEmail = "b@example.com" },
        Organization = new OrganizationChoice { Mode = ChoiceMode.New, Name = "Acme" },
        Workspace = new WorkspaceChoice { Mode = ChoiceMode.New, Name = "Production", Language = "en" },
    };

    [Theory]
    [MemberData(nameof(FieldNames))]
    public async Task Hostile_input_is_refused_with_a_message_or_kept_exactly_and_shown_as_text(string name)
    {
        var field = Fields[name];
        await SeedAsync(field.Step, Baseline());
        var accepted = 0;
        foreach (var value in Values)
        {
            var baseline = Baseline().ToJson();
            await ResetAsync(field.Step, baseline);
            var cut = Render(field.Step);
            cut.WaitForElement(field.Selector);

            cut.Find(field.Selector).Input(value);
            cut.Find("form").Submit();

            var stored = await OutcomeAsync(cut, field.Next);
            AssertNoInjectedElements(cut);
            if (stored.Step == field.Step)
            {
                // Refused: a message says why, and the stored answers are untouched.
                Assert.NotEmpty(cut.FindAll(".mud-input-helper-text.mud-input-error"));
                Assert.Equal(baseline, stored.Data);
                continue;
            }
            Assert.False(MustRefuse(value), $"{name} accepted {Describe(value)}");
            Assert.Equal(field.Next, stored.Step);
            Assert.Equal(value, field.Read(OnboardingData.Parse(stored.Data)));
            accepted++;

            // Back on the page, the kept answer is the input's value, character for character, and nothing else.
            await ResetAsync(field.Step, stored.Data);
            var again = Render(field.Step);
            again.WaitForElement(field.Selector);
            Assert.Equal(value, again.Find(field.Selector).GetAttribute("value"));
            AssertNoInjectedElements(again);
        }
        // Phone and e-mail have formats no hostile value meets; every other field keeps the harmless-but-odd ones.
        if (name is not ("phone" or "billingemail")) Assert.Equal(Values.Count(v => !MustRefuse(v)), accepted);
    }

    public static TheoryData<int> KeptValues => [.. Enumerable.Range(0, Values.Length).Where(i => !MustRefuse(Values[i]))];

    [Theory]
    [MemberData(nameof(KeptValues))]
    public async Task Review_and_linked_pages_show_hostile_answers_as_text(int index)
    {
        var value = Values[index];
        var data = Baseline();
        data.Business!.CompanyName = value;
        data.Organization!.Name = value + " org";
        data.Workspace!.Name = value + " ws";
        await SeedAsync(OnboardingStep.Review, data);

        var review = RenderStep<ReviewPage>();
        review.WaitForElement("#step-submit");
        var text = review.Find(".portal-facts").TextContent;
        Assert.Contains(value, text);
        Assert.Contains(value + " org", text);
        Assert.Contains(value + " ws", text);
        AssertNoInjectedElements(review);

        await ResetAsync(OnboardingStep.Linked, data.ToJson());
        var linked = RenderStep<LinkedPage>();
        linked.WaitForAssertion(() => Assert.Contains(value + " org", linked.Find("#linked-confirmation").TextContent));
        AssertNoInjectedElements(linked);
    }

    private IRenderedComponent<IComponent> Render(OnboardingStep step) => step switch
    {
        OnboardingStep.BusinessInfo => RenderStep<BusinessInfoPage>(),
        OnboardingStep.EnterpriseInfo => RenderStep<EnterpriseInfoPage>(),
        OnboardingStep.Organization => RenderStep<OrganizationPage>(),
        _ => RenderStep<WorkspacePage>(),
    };

    private async Task ResetAsync(OnboardingStep step, string data)
    {
        await using var db = App.CreateDbContext();
        await db.OnboardingSessions.Where(s => s.Id == SessionId)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Step, step).SetProperty(s => s.Data, data));
    }

    /// <summary>Waits (bounded) until the page either shows a message or has moved the session on.</summary>
    private async Task<OnboardingSession> OutcomeAsync(IRenderedComponent<IComponent> cut, OnboardingStep next)
    {
        for (var i = 0; i < 100; i++)
        {
            var stored = await StoredSessionAsync();
            if (stored.Step == next) return stored;
            if (cut.FindAll(".mud-input-helper-text.mud-input-error").Count > 0)
            {
                await Task.Delay(100); // a save that slipped past the message would show here
                return await StoredSessionAsync();
            }
            await Task.Delay(50);
        }
        return await StoredSessionAsync();
    }

    internal static void AssertNoInjectedElements(IRenderedComponent<IComponent> cut)
    {
        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("img"));
        Assert.Empty(cut.FindAll("[onerror]"));
    }

    public static string Describe(string value) =>
        value.Length > 40 ? $"{value.Length} characters" : string.Concat(value.Select(c => c < ' ' || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
