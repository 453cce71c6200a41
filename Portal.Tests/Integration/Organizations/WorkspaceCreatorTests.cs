using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Organizations;
using Portal.Organizations.Home;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Integration.Organizations;

/// <summary>
/// The Workspaces section's one action, as the circuit calls it for each kind of person: only the organization's admin
/// creates, the role read from the database each time; bad input and a taken name store nothing. SQLite and PostgreSQL.
/// </summary>
public sealed class WorkspaceCreatorTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Only_the_organizations_admin_creates_a_workspace_and_bad_input_stores_nothing(string provider)
    {
        await using var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var app = new PortalAppFactory(postgresConnection: pg?.ConnectionString);
        _ = app.BaseAddress;
        var admin = await AdminTestData.CreateUserAsync(app, "ws-admin@example.com");
        var member = await AdminTestData.CreateUserAsync(app, "ws-member@example.com");
        var stranger = await AdminTestData.CreateUserAsync(app, "ws-stranger@example.com");
        Guid orgId, otherId;
        await using (var db = app.CreateDbContext())
        {
            var org = new Organization { Name = "Builders", CreatedAt = DateTimeOffset.UtcNow };
            org.Members.Add(new OrganizationMember { UserId = admin.Id, Role = OrganizationRole.Admin, JoinedAt = DateTimeOffset.UtcNow });
            org.Members.Add(new OrganizationMember { UserId = member.Id, Role = OrganizationRole.Member, JoinedAt = DateTimeOffset.UtcNow });
            var other = new Organization { Name = "Elsewhere", CreatedAt = DateTimeOffset.UtcNow };
            other.Members.Add(new OrganizationMember { UserId = stranger.Id, Role = OrganizationRole.Admin, JoinedAt = DateTimeOffset.UtcNow });
            db.Organizations.AddRange(org, other);
            await db.SaveChangesAsync();
            (orgId, otherId) = (org.Id, other.Id);
        }
        async Task<WorkspaceCreateOutcome> CreateAsync(string? userId, string name, string site = "us-west-2", string language = "en")
        {
            await using var scope = AdminTestData.ScopeAs(app, userId);
            return await scope.ServiceProvider.GetRequiredService<WorkspaceCreator>()
                .CreateAsync(orgId, userId, new NewWorkspaceModel { Name = name, Site = site, Language = language });
        }

        Assert.Equal(WorkspaceCreateOutcome.NotAdmin, await CreateAsync(member.Id, "By member"));
        Assert.Equal(WorkspaceCreateOutcome.NotAdmin, await CreateAsync(stranger.Id, "By stranger"));
        Assert.Equal(WorkspaceCreateOutcome.NotAdmin, await CreateAsync(null, "By nobody"));
        Assert.Equal(WorkspaceCreateOutcome.Invalid, await CreateAsync(admin.Id, "   "));
        Assert.Equal(WorkspaceCreateOutcome.Invalid, await CreateAsync(admin.Id, "Bad site", site: "mars-1"));
        Assert.Equal(WorkspaceCreateOutcome.Invalid, await CreateAsync(admin.Id, "Bad language", language: "xx"));
        Assert.Equal(WorkspaceCreateOutcome.Invalid, await CreateAsync(admin.Id, new string('w', 101)));
        Assert.Equal(WorkspaceCreateOutcome.Created, await CreateAsync(admin.Id, " Analytics "));
        Assert.Equal(WorkspaceCreateOutcome.NameTaken, await CreateAsync(admin.Id, "Analytics"));

        // Made an admin since the page rendered: the next action goes through (the role is read each time).
        await using (var db = app.CreateDbContext())
            await db.OrganizationMembers.Where(m => m.OrganizationId == orgId && m.UserId == member.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.Role, OrganizationRole.Admin));
        Assert.Equal(WorkspaceCreateOutcome.Created, await CreateAsync(member.Id, "By member, now admin"));

        await using var check = app.CreateDbContext();
        var workspaces = await check.Workspaces.AsNoTracking().ToListAsync();
        Assert.Equal(["Analytics", "By member, now admin"], workspaces.Select(w => w.Name).Order(StringComparer.Ordinal));
        Assert.All(workspaces, w => Assert.Equal(orgId, w.OrganizationId));
        Assert.DoesNotContain(workspaces, w => w.OrganizationId == otherId);
        Assert.Equal(2, await check.AuditEvents.CountAsync(a => a.Type == "workspace.created"));
    }
}
