using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Metering;
using Portal.Organizations;
using Portal.Provisioning;

namespace Portal.Tests.Integration.Provisioning;

/// <summary>/api/v1/organizations…: idempotent by the vendor's ids, one row under concurrent twins, problems for bad input.</summary>
public sealed class ProvisioningApiTests
{
    private const string Org = "/api/v1/organizations/crm-42";

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Put_Repeated_CreatesOnceThenUpdates(string provider)
    {
        await using var w = await ProvisioningWorld.StartAsync(provider);

        var first = await w.PutAsync(Org, new { name = "Northwind" });
        var again = await w.PutAsync(Org, new { name = "Northwind" });
        var renamed = await w.PutAsync(Org, new { name = "Northwind Traders" });
        var member = await w.PutAsync(Org + "/members/alice@northwind.example", new { role = "Admin" });
        var memberAgain = await w.PutAsync(Org + "/members/ALICE@northwind.example", new { role = "admin" });
        var workspace = await w.PutAsync(Org + "/workspaces/ws-1", new { name = "Production", site = "us-west-2", language = "en" });
        var workspaceAgain = await w.PutAsync(Org + "/workspaces/ws-1", new { name = "Production", site = "us-west-2", language = "en" });
        var got = await w.SendAsync(HttpMethod.Get, Org);

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK],
            new[] { first, again, renamed, member, memberAgain, workspace, workspaceAgain, got }.Select(r => r.StatusCode));
        var view = await w.JsonAsync<OrganizationView>(got);
        Assert.Equal(("crm-42", "Northwind Traders", false), (view.ExternalId, view.Name, view.BilledThroughAws));
        Assert.Equal(("alice@northwind.example", "Admin", false), (Assert.Single(view.Members).Email, view.Members[0].Role, view.Members[0].Claimed));
        Assert.Equal(("ws-1", "Production", "us-west-2", "en"), (Assert.Single(view.Workspaces).ExternalId, view.Workspaces[0].Name, view.Workspaces[0].Site, view.Workspaces[0].Language));
        await using var db = w.App.CreateDbContext();
        Assert.Equal((1, 1, 1, 1), (await db.Organizations.CountAsync(), await db.Users.CountAsync(), await db.OrganizationMembers.CountAsync(), await db.Workspaces.CountAsync()));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Type == "organization.renamed"));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Put_ConcurrentDuplicates_GiveExactlyOneRow(string provider)
    {
        var barrier = new ReadBarrier();
        await using var w = await ProvisioningWorld.StartAsync(provider, barrier);
        await w.PutAsync("/api/v1/organizations/warm", new { name = "Warm" });
        const int twins = 8;

        // Each batch's twins are held at their first lookup until all of them have made it: all find nothing, all insert.
        barrier.Arm(twins, sql => sql.Contains("\"Organizations\"") && sql.Contains("\"ExternalId\""));
        var orgs = await Task.WhenAll(Enumerable.Range(0, twins).Select(_ => w.PutAsync(Org, new { name = "Northwind" })));
        Assert.Equal(twins, barrier.Held);
        barrier.Arm(twins, sql => sql.Contains("\"NormalizedEmail\""));
        var members = await Task.WhenAll(Enumerable.Range(0, twins).Select(_ => w.PutAsync(Org + "/members/bob@northwind.example", new { role = "Member" })));
        Assert.Equal(twins, barrier.Held);
        barrier.Arm(twins, sql => sql.Contains("\"Workspaces\"") && sql.Contains("\"ExternalId\""));
        var workspaces = await Task.WhenAll(Enumerable.Range(0, twins).Select(_ => w.PutAsync(Org + "/workspaces/ws-1", new { name = "Production", site = "us-west-2", language = "en" })));
        Assert.Equal(twins, barrier.Held);

        foreach (var batch in new[] { orgs, members, workspaces })
        {
            Assert.All(batch, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{r.StatusCode}: {r.Content.ReadAsStringAsync().Result}"));
            Assert.Equal(1, batch.Count(r => r.StatusCode == HttpStatusCode.Created));
        }
        await using var db = w.App.CreateDbContext();
        Assert.Equal(1, await db.Organizations.CountAsync(o => o.ExternalId == "crm-42"));
        Assert.Equal(1, await db.Users.CountAsync(u => u.Email == "bob@northwind.example"));
        Assert.Equal(1, await db.OrganizationMembers.CountAsync(m => db.Users.Any(u => u.Id == m.UserId && u.Email == "bob@northwind.example")));
        Assert.Equal(1, await db.Workspaces.CountAsync(x => x.ExternalId == "ws-1"));
    }

    [Theory]
    [InlineData("/api/v1/organizations/bad%20id", "{\"name\":\"Acme\"}", 400, "externalId")]
    [InlineData(Org, "{\"name\":\"  \"}", 400, "name")]
    [InlineData(Org, "{\"name\":\"Bad\\u0007Name\"}", 400, "name")]
    [InlineData(Org + "/members/not-an-email", "{\"role\":\"Admin\"}", 400, "email")]
    [InlineData(Org + "/members/carol@northwind.example", "{\"role\":\"Owner\"}", 400, "role")]
    [InlineData(Org + "/members/carol@northwind.example", "{\"role\":\"1\"}", 400, "role")]
    [InlineData(Org + "/workspaces/ws-2", "{\"name\":\"Staging\",\"site\":\"mars-1\",\"language\":\"en\"}", 400, "site")]
    [InlineData(Org + "/workspaces/ws-2", "{\"name\":\"Staging\",\"site\":\"us-west-2\",\"language\":\"klingon\"}", 400, "language")]
    [InlineData(Org + "/workspaces/ws-2", "{\"name\":", 400, "malformed-json")]
    [InlineData(Org + "/workspaces/ws-2", "[1,2]", 400, "malformed-json")]
    [InlineData(Org + "/members/carol@northwind.example", "null", 400, "malformed-json")]
    [InlineData("/api/v1/organizations/crm-404/members/carol@northwind.example", "{\"role\":\"Admin\"}", 404, "organization-not-found")]
    [InlineData(Org + "/workspaces/ws-1", "{\"name\":\"Prod\",\"site\":\"cn-northwest-1\",\"language\":\"en\"}", 409, "workspace-site-fixed")]
    [InlineData(Org + "/workspaces/ws-9", "{\"name\":\"Production\",\"site\":\"us-west-2\",\"language\":\"en\"}", 409, "workspace-name-taken")]
    [InlineData(Org + "/members/alice@northwind.example", "{\"role\":\"Member\"}", 409, "last-admin")]
    public async Task Put_BadInput_IsAProblemAndStoresNothing(string path, string raw, int status, string expected)
    {
        await using var w = await ProvisioningWorld.StartAsync();
        await w.PutAsync(Org, new { name = "Northwind" });
        await w.PutAsync(Org + "/members/alice@northwind.example", new { role = "Admin" });
        await w.PutAsync(Org + "/workspaces/ws-1", new { name = "Production", site = "us-west-2", language = "en" });
        var before = await CountsAsync(w);

        var response = await w.SendAsync(HttpMethod.Put, path, raw: raw);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (status == 400 && expected != "malformed-json")
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(expected, out _), problem.RootElement.ToString());
        else Assert.Equal(expected, problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(before, await CountsAsync(w));
    }

    [Fact]
    public async Task Put_WrongContentType_Is415()
    {
        await using var w = await ProvisioningWorld.StartAsync();

        var response = await w.SendAsync(HttpMethod.Put, Org, raw: "name=Acme", contentType: "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(new[] { 0, 0, 0, 0, 0 }, await CountsAsync(w));
    }

    [Fact]
    public async Task Requests_WithoutAValidVendorKey_Are401()
    {
        await using var w = await ProvisioningWorld.StartAsync();
        var keys = w.App.Services.GetRequiredService<VendorApiKeyService>();
        var revoked = await keys.CreateAsync("old", "test-admin");
        Assert.True(await keys.RevokeAsync(revoked.Key.Id, "test-admin"));
        await using (var db = w.App.CreateDbContext())
        {
            db.Organizations.Add(new Organization { Name = "Usage only", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var usageKey = (await w.App.Services.GetRequiredService<ApiKeyService>().CreateAsync((await w.App.CreateDbContext().Organizations.SingleAsync()).Id, "usage", "t")).PlainKey;

        foreach (var key in new[] { "", "vpk_" + new string('x', 43), revoked.PlainKey, usageKey })
        {
            var put = await w.SendAsync(HttpMethod.Put, Org, new { name = "Northwind" }, key: key);
            var list = await w.SendAsync(HttpMethod.Get, "/api/v1/organizations", key: key);
            Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (put.StatusCode, list.StatusCode));
            Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        }
        await using var check = w.App.CreateDbContext();
        Assert.False(await check.Organizations.AnyAsync(o => o.ExternalId != null));
    }

    [Fact]
    public async Task Requests_BeyondTheUsageLimit_Are429PerKey()
    {
        await using var w = await ProvisioningWorld.StartAsync(settings: new Dictionary<string, string?>
        {
            ["RateLimits:Enabled"] = "true", ["RateLimits:Usage:PermitLimit"] = "2", ["RateLimits:Usage:Window"] = "01:00:00",
        });
        var other = (await w.App.Services.GetRequiredService<VendorApiKeyService>().CreateAsync("other", "test-admin")).PlainKey;

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++) answers.Add(await w.SendAsync(HttpMethod.Get, "/api/v1/organizations"));
        var otherKey = await w.SendAsync(HttpMethod.Get, "/api/v1/organizations", key: other);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers.Select(a => a.StatusCode));
        Assert.Equal("application/problem+json", answers[2].Content.Headers.ContentType?.MediaType);
        Assert.NotNull(answers[2].Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode); // partitioned by key
    }

    [Fact]
    public async Task List_ShowsEveryOrganization_Paged()
    {
        await using var w = await ProvisioningWorld.StartAsync();
        for (var i = 0; i < 3; i++) await w.PutAsync($"/api/v1/organizations/crm-{i}", new { name = $"Customer {i}" });

        var page = JsonDocument.Parse(await (await w.SendAsync(HttpMethod.Get, "/api/v1/organizations?offset=1&limit=1")).Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.StartsWith("crm-", page.GetProperty("items")[0].GetProperty("externalId").GetString());
    }

    [Fact]
    public async Task Member_WithoutAccount_IsClaimedByPasswordReset()
    {
        await using var w = await ProvisioningWorld.StartAsync();
        await w.PutAsync(Org, new { name = "Northwind" });

        Assert.Equal(HttpStatusCode.Created, (await w.PutAsync(Org + "/members/dora@northwind.example", new { role = "Member", name = "Dora" })).StatusCode);

        using var scope = w.App.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync("dora@northwind.example");
        Assert.NotNull(user);
        Assert.Equal(("Dora", false, false), (user.DisplayName, user.EmailConfirmed, await users.HasPasswordAsync(user)));
        await using (var db = w.App.CreateDbContext()) Assert.Equal(0, await db.EmailMessages.CountAsync()); // no mail unless asked
        var token = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
        var (result, _) = await scope.ServiceProvider.GetRequiredService<PasswordResets>().ResetAsync(user.Id, token, "Str0ng!Passw0rd");
        Assert.Equal(ResetResult.Changed, result);
        var (signIn, signedIn) = await scope.ServiceProvider.GetRequiredService<AccountService>().CheckPasswordAsync("dora@northwind.example", "Str0ng!Passw0rd");
        Assert.True(signIn.Succeeded);
        Assert.True(signedIn!.EmailConfirmed);
        var view = await w.JsonAsync<OrganizationView>(await w.SendAsync(HttpMethod.Get, Org));
        Assert.True(Assert.Single(view.Members).Claimed);
    }

    [Fact]
    public async Task Provisioned_Customer_IsOfferedItsOrganizationAndWorkspacesAtTheLinkStep()
    {
        await using var w = await ProvisioningWorld.StartAsync();
        await w.PutAsync(Org, new { name = "Northwind" });
        await w.PutAsync(Org + "/members/alice@northwind.example", new { role = "Admin" });
        await w.PutAsync(Org + "/members/bob@northwind.example", new { role = "Member" });
        await w.PutAsync(Org + "/workspaces/ws-1", new { name = "Production", site = "us-west-2", language = "en" });
        var subscription = await w.App.LandAsync("210987654321");

        using var scope = w.App.Services.CreateScope();
        var directory = scope.ServiceProvider.GetRequiredService<OrganizationDirectory>();
        await using var db = w.App.CreateDbContext();
        var alice = await db.Users.SingleAsync(u => u.Email == "alice@northwind.example");
        var bob = await db.Users.SingleAsync(u => u.Email == "bob@northwind.example");

        var offered = Assert.Single(await directory.ForUserAsync(alice.Id, subscription.Id));
        Assert.Equal(("Northwind", true), (offered.Name, offered.Selectable));
        Assert.False(Assert.Single(await directory.ForUserAsync(bob.Id, subscription.Id)).Selectable); // a Member cannot link
        Assert.Equal("Production", Assert.Single(await directory.WorkspacesAsync(offered.Id)).Name);
    }

    private static async Task<int[]> CountsAsync(ProvisioningWorld w)
    {
        await using var db = w.App.CreateDbContext();
        return [await db.Organizations.CountAsync(), await db.Users.CountAsync(), await db.OrganizationMembers.CountAsync(), await db.Workspaces.CountAsync(),
            await db.AuditEvents.CountAsync(e => e.Type.StartsWith("organization") || e.Type.StartsWith("member") || e.Type.StartsWith("workspace"))];
    }
}
