using System.Globalization;
using FluentValidation;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Portal.Localization;

namespace Portal.Onboarding.Steps;

/// <summary>The fixed choices of the business forms; labels come from the resources (Choice.*), values stay stable.</summary>
public static class StepChoices
{
    public static readonly string[] CompanySizes = ["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5001+"];
    public static readonly string[] Roles = ["Engineering", "Operations", "Management", "Procurement", "Other"];
    public static readonly string[] Industries = ["Software", "Finance", "Retail", "Manufacturing", "Healthcare", "Education", "Government", "Media", "Other"];

    /// <summary>
    /// Countries and regions by ISO code, named in the buyer's language. RegionInfo only knows native and English
    /// names here, so the localized name is read from ICU's culture display name, "Japanese (Japan)" / "日语（日本）".
    /// </summary>
    public static IReadOnlyList<(string Code, string Name)> Countries()
    {
        var english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        return CultureInfo.GetCultures(CultureTypes.SpecificCultures)
            .Select(c => (Culture: c, Region: TryRegion(c.Name)))
            .Where(x => x.Region is { TwoLetterISORegionName.Length: 2 } r && char.IsLetter(r.TwoLetterISORegionName[0]))
            .GroupBy(x => x.Region!.TwoLetterISORegionName)
            .Select(g => (g.Key, english ? g.First().Region!.EnglishName : RegionPart(g.First().Culture.DisplayName) ?? g.First().Region!.NativeName))
            .OrderBy(r => r.Item2, StringComparer.Create(CultureInfo.CurrentUICulture, true)).ToList();
    }

    private static RegionInfo? TryRegion(string name)
    {
        try { return new RegionInfo(name); } catch (ArgumentException) { return null; }
    }

    private static string? RegionPart(string displayName)
    {
        var open = displayName.LastIndexOfAny(['(', '（']);
        var close = displayName.LastIndexOfAny([')', '）']);
        if (open < 0 || close <= open) return null;
        var inner = displayName[(open + 1)..close];
        var comma = inner.LastIndexOfAny([',', '，', '、']);
        return (comma >= 0 ? inner[(comma + 1)..] : inner).Trim();
    }
}

internal static class RuleExtensions
{
    /// <summary>
    /// Applies the vendor's rule for a field: required fields must be filled, hidden ones are ignored; every one is
    /// plain text (line breaks only in <paramref name="multiline"/> fields).
    /// </summary>
    public static IRuleBuilderOptions<T, string?> Configured<T>(this IRuleBuilder<T, string?> rule, FieldRule fieldRule, IStringLocalizer l, int max,
        bool multiline = false) =>
        (fieldRule == FieldRule.Required
            ? rule.NotEmpty().WithMessage(_ => l["Validation.Required"]).MaximumLength(max).WithMessage(_ => l["Validation.TooLong", max])
            : rule.MaximumLength(max).WithMessage(_ => l["Validation.TooLong", max]))
        .PlainText(l, multiline);

    /// <summary>No control characters and no half of a surrogate pair: neither can be shown, and PostgreSQL refuses the latter.</summary>
    public static IRuleBuilderOptions<T, string?> PlainText<T>(this IRuleBuilder<T, string?> rule, IStringLocalizer l, bool multiline = false) =>
        rule.Must(v => IsPlainText(v, multiline)).WithMessage(_ => l["Validation.InvalidCharacters"]);

    public static bool IsPlainText(string? value, bool multiline = false)
    {
        if (string.IsNullOrEmpty(value)) return true;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return false;
            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')) return false;
        }
        return true;
    }
}

public sealed class BusinessInfoValidator : AbstractValidator<BusinessInfoModel>
{
    public BusinessInfoValidator(IStringLocalizer<SharedResources> l, IOptions<OnboardingOptions> options)
    {
        // One message per field: the first broken rule (a 300-character name with a control character is "too long").
        RuleLevelCascadeMode = CascadeMode.Stop;
        var o = options.Value;
        RuleFor(m => m.CompanyName).Configured(o.RuleFor(nameof(BusinessInfoModel.CompanyName)), l, 100);
        RuleFor(m => m.Role).Configured(o.RuleFor(nameof(BusinessInfoModel.Role)), l, 50);
        RuleFor(m => m.CompanySize).Configured(o.RuleFor(nameof(BusinessInfoModel.CompanySize)), l, 20)
            .Must(v => string.IsNullOrEmpty(v) || StepChoices.CompanySizes.Contains(v)).WithMessage(_ => l["Validation.Choose"]);
        RuleFor(m => m.Country).Configured(o.RuleFor(nameof(BusinessInfoModel.Country)), l, 2);
        RuleFor(m => m.Phone).Configured(o.RuleFor(nameof(BusinessInfoModel.Phone)), l, 20)
            .Matches(@"^\+?[0-9][0-9 ()\-]{5,18}$").WithMessage(_ => l["Validation.Phone"])
            .When(m => !string.IsNullOrEmpty(m.Phone), ApplyConditionTo.CurrentValidator);
        RuleFor(m => m.UseCase).Configured(o.RuleFor(nameof(BusinessInfoModel.UseCase)), l, 500, multiline: true);
    }
}

public sealed class EnterpriseInfoValidator : AbstractValidator<EnterpriseInfoModel>
{
    public EnterpriseInfoValidator(IStringLocalizer<SharedResources> l, IOptions<OnboardingOptions> options)
    {
        // One message per field: the first broken rule (a 300-character name with a control character is "too long").
        RuleLevelCascadeMode = CascadeMode.Stop;
        var o = options.Value;
        RuleFor(m => m.LegalEntityName).Configured(o.RuleFor(nameof(EnterpriseInfoModel.LegalEntityName)), l, 200);
        RuleFor(m => m.Industry).Configured(o.RuleFor(nameof(EnterpriseInfoModel.Industry)), l, 50);
        RuleFor(m => m.Address).Configured(o.RuleFor(nameof(EnterpriseInfoModel.Address)), l, 300, multiline: true);
        RuleFor(m => m.TaxId).Configured(o.RuleFor(nameof(EnterpriseInfoModel.TaxId)), l, 50);
        RuleFor(m => m.BillingEmail).Configured(o.RuleFor(nameof(EnterpriseInfoModel.BillingEmail)), l, 254)
            .EmailAddress().WithMessage(_ => l["Validation.EmailInvalid"])
            // Only this rule: a condition applies to the whole chain by default, and would skip "required" too.
            .When(m => !string.IsNullOrEmpty(m.BillingEmail), ApplyConditionTo.CurrentValidator);
    }
}

public sealed class NameModel
{
    public string Name { get; set; } = "";
}

public sealed class NameValidator : AbstractValidator<NameModel>
{
    public NameValidator(IStringLocalizer<SharedResources> l)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(m => m.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage(_ => l["Validation.Required"])
            .MaximumLength(100).WithMessage(_ => l["Validation.TooLong", 100]).PlainText(l);
    }
}
