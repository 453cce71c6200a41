using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Accounts;
using Portal.Organizations;
using Portal.Provisioning;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Provisioning;

/// <summary>Development's existing customers: made at start-up, signed in with the documented password, not doubled by a restart.</summary>
public sealed class DevSeedTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Seed_TwoStarts_SameCustomersOnce(string provider)
    {
        var root = Directory.CreateTempSubdirectory("portal-seed-").FullName;
        // The PostgreSQL pass of test.sh runs every portal on PostgreSQL: the "Sqlite" case then shares one too.
        var onPostgres = provider == "Postgres" || Environment.GetEnvironmentVariable(PortalAppFactory.ProviderVariable) == "Postgres";
        await using var pg = onPostgres ? await PostgresDatabase.CreateAsync() : null;
        var settings = new Dictionary<string, string?> { ["DevTools:SeedCustomers"] = "true" };
        if (pg is null) settings["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(root, "seed.db")}";
        try
        {
            // Two starts on one database, as a restart: the second finds every customer and adds nothing.
            await using (var first = new PortalAppFactory(settings, postgresConnection: pg?.ConnectionString)) _ = first.BaseAddress;
            await using var second = new PortalAppFactory(settings, postgresConnection: pg?.ConnectionString);
            _ = second.BaseAddress;

            await using var db = second.CreateDbContext();
            var orgs = await db.Organizations.Include(o => o.Members).Include(o => o.Workspaces).OrderBy(o => o.Name).ToListAsync();
            Assert.Equal(["Contoso Labs", "Northwind Traders"], orgs.Select(o => o.Name));
            var northwind = orgs[1];
            Assert.Equal("dev-northwind", northwind.ExternalId);
            Assert.Equal(2, northwind.Members.Count);
            Assert.Equal(2, northwind.Workspaces.Select(w => w.Site).Distinct().Count());
            Assert.Equal(3, await db.Users.CountAsync());
            var alice = await db.Users.SingleAsync(u => u.Email == "alice@northwind.example");
            Assert.Equal(OrganizationRole.Admin, northwind.Members.Single(m => m.UserId == alice.Id).Role);
            using var scope = second.Services.CreateScope();
            var (result, user) = await scope.ServiceProvider.GetRequiredService<AccountService>().CheckPasswordAsync("alice@northwind.example", DevSeed.Password);
            Assert.True(result.Succeeded);
            Assert.True(user!.EmailConfirmed);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Seed_NotAsked_StartsEmpty()
    {
        await using var app = new PortalAppFactory();
        _ = app.BaseAddress;

        await using var db = app.CreateDbContext();
        Assert.False(await db.Organizations.AnyAsync());
    }
}
