using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Accounts;
using Portal.Onboarding;

namespace Portal.Provisioning;

/// <summary>
/// Development's existing customers, made through <see cref="ProvisioningService"/> exactly as the vendor's product
/// would, so the existing-user path can be tried from /dev/marketplace. Idempotent by external ids and e-mails: a
/// restart finds them and adds nothing; a password someone changed is kept.
/// </summary>
public sealed class DevSeed(IServiceScopeFactory scopes, IOptions<OnboardingOptions> onboarding, IOptions<AccountOptions> accounts,
    TimeProvider time, ILogger<DevSeed> logger) : IHostedService
{
    public const string Password = "Northwind!2026";

    public sealed record SeedCustomer(string ExternalId, string Name, (string Email, string Name, string Role)[] Members, (string Id, string Name, string Language)[] Workspaces);

    public IReadOnlyList<SeedCustomer> Customers { get; } =
    [
        new("dev-northwind", "Northwind Traders",
            [("alice@northwind.example", "Alice Anders", "Admin"), ("bob@northwind.example", "Bob Berg", "Member")],
            [("nw-prod", "Northwind Production", "en"), ("nw-china", "Northwind China", "zh-CN")]),
        new("dev-contoso", "Contoso Labs", [("carol@contoso.example", "Carol Chen", "Admin")], [("contoso-main", "Contoso Analytics", "ja")]),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var provisioning = scope.ServiceProvider.GetRequiredService<ProvisioningService>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var sites = onboarding.Value.Sites;
        var languages = onboarding.Value.WorkspaceLanguages.Select(l => l.Code).ToList();
        foreach (var customer in Customers)
        {
            Demand(await provisioning.PutOrganizationAsync(new(customer.ExternalId, customer.Name), "seed", cancellationToken));
            foreach (var (email, name, role) in customer.Members)
            {
                Demand(await provisioning.PutMemberAsync(new(customer.ExternalId, email, role, name), "seed", cancellationToken));
                await ClaimAsync(users, email);
            }
            // Spread over the configured sites (two workspaces on two sites when there are two) and languages.
            for (var i = 0; i < customer.Workspaces.Length; i++)
            {
                var (id, name, language) = customer.Workspaces[i];
                Demand(await provisioning.PutWorkspaceAsync(new(customer.ExternalId, id, name, sites[i % sites.Count].Id,
                    languages.Contains(language) ? language : languages[0]), "seed", cancellationToken));
            }
        }
        logger.LogInformation("Development customers ready: {Accounts} (password {Password})",
            string.Join(", ", Customers.SelectMany(c => c.Members.Select(m => m.Email))), Password);
    }

    /// <summary>As if the person had signed up on the vendor's site: a password, a verified address, the terms accepted.</summary>
    private async Task ClaimAsync(UserManager<ApplicationUser> users, string email)
    {
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"Seed user {email} is missing.");
        if (await users.HasPasswordAsync(user)) return;
        user.EmailConfirmed = true;
        (user.TermsVersion, user.TermsAcceptedAt) = (accounts.Value.TermsVersion, time.GetUtcNow());
        var result = await users.AddPasswordAsync(user, Password);
        if (!result.Succeeded) throw new InvalidOperationException($"Seed user {email}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
    }

    private static void Demand<T>(ProvisionResult<T> result)
    {
        if (result.Status is not (ProvisionStatus.Created or ProvisionStatus.Updated))
            throw new InvalidOperationException($"Development seed refused: {result.Status} {result.Code} {string.Join("; ", result.Errors?.SelectMany(e => e.Value) ?? [])}");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
