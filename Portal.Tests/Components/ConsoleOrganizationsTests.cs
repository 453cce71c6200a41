using System.Globalization;
using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Admin;
using Portal.Admin.Provisioning;
using Portal.Branding;
using Portal.Email;
using Portal.Organizations;
using Portal.Organizations.Members;
using Portal.Provisioning;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration.Admin;

namespace Portal.Tests.Components;

/// <summary>The console's Organizations and Provisioning keys tabs over the portal's real services and SQLite file.</summary>
public sealed class ConsoleOrganizationsTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly PortalAppFactory app = new(new Dictionary<string, string?> { ["Admin:Emails:0"] = "admin@example.com" });
    private readonly CultureInfo before = CultureInfo.CurrentUICulture;
    private readonly IServiceScope portalScope;
    private string userId = "";

    public ConsoleOrganizationsTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudTestServices();
        Services.AddSingleton(app.Services.GetRequiredService<IOptions<BrandOptions>>());
        Services.AddLocalization();
        portalScope = app.Services.CreateScope();
        Services.AddSingleton<AuthenticationStateProvider>(new SignedIn(() => userId));
        Services.AddScoped(sp => new AdminAccess(sp.GetRequiredService<AuthenticationStateProvider>(), app.Services.GetRequiredService<IAuthorizationService>()));
        Services.AddScoped(sp => new VendorConsole(sp.GetRequiredService<AdminAccess>(), app.Services.GetRequiredService<VendorApiKeyService>(),
            portalScope.ServiceProvider.GetRequiredService<ProvisioningService>(), portalScope.ServiceProvider.GetRequiredService<InvitationService>(),
            app.Services.GetRequiredService<IEmailDelivery>(), portalScope.ServiceProvider.GetRequiredService<ConsoleOrganizations>()));
        Services.AddFallbackServiceProvider(app.Services);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private sealed class SignedIn(Func<string> userId) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId())], "test"))));
    }

    public async Task InitializeAsync()
    {
        _ = app.BaseAddress;
        var admin = await AdminTestData.CreateUserAsync(app, "admin@example.com");
        await app.Services.GetRequiredService<AdminGrants>().EnsureConfiguredAsync(admin);
        userId = admin.Id;
        await AdminTestData.CreateUserAsync(app, "erin@fabrikam.example");
    }

    public new async Task DisposeAsync()
    {
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = before;
        portalScope.Dispose();
        await base.DisposeAsync();
        await app.DisposeAsync();
    }

    private void Fill(IRenderedComponent<OrganizationsTab> tab, string name, string email, string externalId = "")
    {
        tab.Find("input[name=org-name]").Change(name);
        tab.Find("input[name=org-admin-email]").Change(email);
        tab.Find("input[name=org-external-id]").Change(externalId);
        tab.Find("form#org-create").Submit();
    }

    [Theory]
    [InlineData("erin@fabrikam.example", true)]
    [InlineData("frank@fabrikam.example", false)]
    public async Task Create_InvitesTheFirstAdmin_WhoBecomesAdminByAccepting(string email, bool hasAccount)
    {
        var snackbars = Render<MudBlazor.MudSnackbarProvider>();
        var tab = Render<OrganizationsTab>();
        tab.WaitForAssertion(() => Assert.NotNull(tab.Find("#orgs-grid")), Wait);

        Fill(tab, "Fabrikam", email, "crm-fab");

        snackbars.WaitForAssertion(() => Assert.Contains($"{email} was sent an invitation", snackbars.Find(".mud-snackbar").TextContent), Wait);
        tab.WaitForAssertion(() => Assert.Contains("Fabrikam", tab.Find("#orgs-grid").TextContent), Wait);
        await using (var db = app.CreateDbContext())
        {
            var org = await db.Organizations.Include(o => o.Members).SingleAsync();
            Assert.Equal("crm-fab", org.ExternalId);
            Assert.Empty(org.Members); // an admin only once the person accepts with the address
            var invitation = await db.Set<OrganizationInvitation>().SingleAsync();
            Assert.Equal((org.Id, email, OrganizationRole.Admin, userId), (invitation.OrganizationId, invitation.Email, invitation.Role, invitation.InvitedByUserId));
            var mail = await db.EmailMessages.SingleAsync(m => m.Kind == MemberEmails.Invitation);
            Assert.Equal(email, mail.To);
            Assert.Contains("Fabrikam", mail.Subject + mail.TextBody);
            Assert.Equal(hasAccount, await db.Users.AnyAsync(u => u.Email == email)); // no unclaimed record is made
            Assert.Equal(0, await db.Subscriptions.CountAsync());
        }

        var token = System.Text.RegularExpressions.Regex.Match((await ReadMailAsync(email)), @"/invitations/accept\?token=([A-Za-z0-9_%\-]+)").Groups[1].Value;
        var invitee = hasAccount ? (await app.CreateDbContext().Users.SingleAsync(u => u.Email == email)).Id
            : (await AdminTestData.CreateUserAsync(app, email)).Id; // registers from the link, with the invited address
        var accepted = await portalScope.ServiceProvider.GetRequiredService<InvitationService>().AcceptAsync(Uri.UnescapeDataString(token), invitee);
        Assert.Equal(AcceptOutcome.Joined, accepted.Outcome);
        await using var after = app.CreateDbContext();
        var member = await after.OrganizationMembers.SingleAsync();
        Assert.Equal((invitee, OrganizationRole.Admin), (member.UserId, member.Role));
    }

    [Fact]
    public async Task List_NewestFirst_SaysWhetherTheFirstAdminsInvitationIsOpenExpiredOrAccepted()
    {
        var provisioning = portalScope.ServiceProvider.GetRequiredService<ProvisioningService>();
        await provisioning.PutOrganizationAsync(new("crm-old", "Older Co"), "test");
        var tab = Render<OrganizationsTab>();
        tab.WaitForAssertion(() => Assert.Contains("Older Co", tab.Find("#orgs-grid").TextContent), Wait);
        Fill(tab, "Fabrikam", "frank@fabrikam.example");
        string RowOf(string name) => tab.FindAll("#orgs-grid tbody tr").Single(r => r.TextContent.Contains(name)).TextContent;
        tab.WaitForAssertion(() => Assert.Contains("Invitation sent to frank@fabrikam.example, not accepted yet", RowOf("Fabrikam")), Wait);
        Assert.Contains("No members", RowOf("Older Co"));
        Assert.Contains("Fabrikam", tab.FindAll("#orgs-grid tbody tr")[0].TextContent); // the one just made comes first

        await using (var db = app.CreateDbContext())
        {
            var invitation = await db.Set<OrganizationInvitation>().SingleAsync();
            invitation.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
        }
        tab = Render<OrganizationsTab>();
        tab.WaitForAssertion(() => Assert.Contains("Invitation to frank@fabrikam.example expired", RowOf("Fabrikam")), Wait);

        await using (var db = app.CreateDbContext())
        {
            var invitation = await db.Set<OrganizationInvitation>().SingleAsync();
            invitation.ExpiresAt = DateTimeOffset.UtcNow.AddDays(1);
            await db.SaveChangesAsync();
        }
        var token = System.Text.RegularExpressions.Regex.Match(await ReadMailAsync("frank@fabrikam.example"), @"/invitations/accept\?token=([A-Za-z0-9_%\-]+)").Groups[1].Value;
        var frank = await AdminTestData.CreateUserAsync(app, "frank@fabrikam.example");
        Assert.Equal(AcceptOutcome.Joined, (await portalScope.ServiceProvider.GetRequiredService<InvitationService>().AcceptAsync(Uri.UnescapeDataString(token), frank.Id)).Outcome);
        tab = Render<OrganizationsTab>();
        tab.WaitForAssertion(() => Assert.Contains("Members: 1", RowOf("Fabrikam")), Wait);
        Assert.DoesNotContain("Invitation", RowOf("Fabrikam"));
    }

    private async Task<string> ReadMailAsync(string to)
    {
        await using var db = app.CreateDbContext();
        return (await db.EmailMessages.SingleAsync(m => m.To == to && m.Kind == MemberEmails.Invitation)).TextBody;
    }

    [Fact]
    public async Task Create_BadInput_ShowsFieldErrorsInJapaneseAndStoresNothing()
    {
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("ja");
        var tab = Render<OrganizationsTab>();
        tab.WaitForAssertion(() => Assert.NotNull(tab.Find("#orgs-grid")), Wait);

        Fill(tab, " ", "not-an-email", "has space");

        tab.WaitForAssertion(() => Assert.Contains("英数字と . _ - : のみ", tab.Markup), Wait);
        Assert.Contains("この項目は必須です。", tab.Markup);
        Assert.Contains("有効なメールアドレスを入力してください", tab.Markup);
        await using var db = app.CreateDbContext();
        Assert.Equal(0, await db.Organizations.CountAsync());
        Assert.Equal(2, await db.Users.CountAsync());
    }

    [Fact]
    public async Task Create_ExternalIdOfAnother_SaysSo()
    {
        await portalScope.ServiceProvider.GetRequiredService<ProvisioningService>().PutOrganizationAsync(new("crm-fab", "Fabrikam"), "test");
        var tab = Render<OrganizationsTab>();
        tab.WaitForAssertion(() => Assert.Contains("crm-fab", tab.Find("#orgs-grid").TextContent), Wait);

        Fill(tab, "Fabrikam Two", "erin@fabrikam.example", "crm-fab");

        tab.WaitForAssertion(() => Assert.NotNull(tab.Find("#org-create-conflict")), Wait);
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Organizations.CountAsync());
        Assert.Equal(0, await db.OrganizationMembers.CountAsync());
    }

    [Fact]
    public async Task VendorKeys_CreateShowsTheKeyOnce_AndRevoke()
    {
        var dialog = Render<MudBlazor.MudDialogProvider>();
        var tab = Render<VendorKeysTab>();
        tab.WaitForAssertion(() => Assert.NotNull(tab.Find("#vendor-keys")), Wait);

        tab.Find("input[name=vendor-key-name]").Input("crm sync");
        tab.Find("form").Submit();

        var plain = tab.WaitForElement("#new-vendor-key", Wait).TextContent.Trim();
        Assert.StartsWith(VendorApiKeyService.KeyPrefix, plain);
        var keys = app.Services.GetRequiredService<VendorApiKeyService>();
        Assert.NotNull(await keys.AuthenticateAsync(plain));
        await using var db = app.CreateDbContext();
        Assert.DoesNotContain(plain, (await db.Set<VendorApiKey>().SingleAsync()).KeyHash); // only the hash is stored

        tab.Find(".vendor-key-revoke").Click();
        dialog.WaitForElement("#revoke-confirm", Wait).Click();
        tab.WaitForAssertion(() => Assert.Empty(tab.FindAll(".vendor-key-revoke")), Wait);
        Assert.Null(await keys.AuthenticateAsync(plain));
    }

    [Fact]
    public async Task Console_NotAVendorAdmin_IsRefused()
    {
        await using (var db = app.CreateDbContext()) userId = (await db.Users.SingleAsync(u => u.Email == "erin@fabrikam.example")).Id;
        var console = Services.GetRequiredService<VendorConsole>();

        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => console.CreateOrganizationAsync("Sneaky", "erin@fabrikam.example", null));
        await Assert.ThrowsAsync<AdminAccessDeniedException>(() => console.CreateKeyAsync("sneaky"));
        await using var check = app.CreateDbContext();
        Assert.Equal(0, await check.Organizations.CountAsync());
    }
}
