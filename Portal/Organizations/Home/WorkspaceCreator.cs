using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Portal.Audit;
using Portal.Data;
using Portal.Localization;
using Portal.Onboarding;
using Portal.Onboarding.Steps;

namespace Portal.Organizations.Home;

public sealed class NewWorkspaceModel
{
    public string Name { get; set; } = "";
    public string? Site { get; set; }
    public string? Language { get; set; }
}

public sealed class NewWorkspaceValidator : AbstractValidator<NewWorkspaceModel>
{
    public NewWorkspaceValidator(IStringLocalizer<SharedResources> l, IOptions<OnboardingOptions> options)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(m => m.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage(_ => l["Validation.Required"])
            .MaximumLength(100).WithMessage(_ => l["Validation.TooLong", 100]).PlainText(l);
        RuleFor(m => m.Site).Must(s => options.Value.Sites.Any(x => x.Id == s)).WithMessage(_ => l["Validation.Choose"]);
        RuleFor(m => m.Language).Must(c => options.Value.WorkspaceLanguages.Any(x => x.Code == c)).WithMessage(_ => l["Validation.Choose"]);
    }
}

public enum WorkspaceCreateOutcome { Created, NotAdmin, NameTaken, Invalid }

/// <summary>An admin adds a workspace to the organization from its home; the role is read from the database each time.</summary>
public sealed class WorkspaceCreator(IDbContextFactory<PortalDbContext> factory, IValidator<NewWorkspaceModel> validator, TimeProvider time)
{
    public async Task<WorkspaceCreateOutcome> CreateAsync(Guid organizationId, string? userId, NewWorkspaceModel model, CancellationToken ct = default)
    {
        if (!(await validator.ValidateAsync(model, ct)).IsValid) return WorkspaceCreateOutcome.Invalid;
        if (userId is null) return WorkspaceCreateOutcome.NotAdmin;
        await using var db = factory.CreateDbContext();
        if (!await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == userId && m.Role == OrganizationRole.Admin, ct))
            return WorkspaceCreateOutcome.NotAdmin;
        var now = time.GetUtcNow();
        var workspace = new Workspace { OrganizationId = organizationId, Name = model.Name.Trim(), Site = model.Site!, Language = model.Language!, CreatedAt = now };
        db.Workspaces.Add(workspace);
        db.AuditEvents.Add(new AuditEvent { Type = "workspace.created", OccurredAt = now, Actor = userId, Details = $"{workspace.Name} in organization {organizationId}" });
        try
        {
            await db.SaveChangesAsync(ct);
            return WorkspaceCreateOutcome.Created;
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // The unique index on (organization, name) decides, also between two admins typing the same name.
            return WorkspaceCreateOutcome.NameTaken;
        }
    }
}
