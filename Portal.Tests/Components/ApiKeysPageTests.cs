using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Metering;
using Portal.Metering.Pages;
using Portal.Onboarding;
using Portal.Organizations;

namespace Portal.Tests.Components;

/// <summary>The organization's API keys page on the real services and a SQLite file: who may see it, create and revoke.</summary>
public sealed class ApiKeysPageTests : StepPageContext
{
    private async Task<Guid> OrganizationAsync(OrganizationRole role)
    {
        await SeedAsync(OnboardingStep.Linked);
        await using var db = App.CreateDbContext();
        var org = new Organization { Name = "Acme", CreatedAt = DateTimeOffset.UtcNow };
        org.Members.Add(new OrganizationMember { UserId = UserId, Role = role, JoinedAt = DateTimeOffset.UtcNow });
        db.Organizations.Add(org);
        await db.SaveChangesAsync();
        return org.Id;
    }

    private IRenderedComponent<ApiKeysPage> RenderFor(Guid organizationId) =>
        Render<ApiKeysPage>(p => p
            .Add(x => x.OrganizationId, organizationId)
            .AddCascadingValue(Task.FromResult(new Microsoft.AspNetCore.Components.Authorization.AuthenticationState(
                new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                    [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, UserId)], "test"))))));

    [Fact]
    public async Task An_admin_creates_a_key_sees_it_once_and_only_its_hash_is_stored()
    {
        var org = await OrganizationAsync(OrganizationRole.Admin);
        var cut = RenderFor(org);
        cut.WaitForElement("#create-key");

        cut.Find("#create-key").Click(); // no name yet
        cut.WaitForAssertion(() => Assert.Contains("Give the key a name", cut.Markup));
        cut.Find("input[name=key-name]").Input("billing-agent");
        cut.Find("form").Submit();

        var plain = cut.WaitForElement("#new-api-key").TextContent.Trim();
        Assert.StartsWith(ApiKeyService.KeyPrefix, plain);
        Assert.Contains("billing-agent", cut.Find("#api-keys").TextContent);
        await using var db = App.CreateDbContext();
        var stored = await db.ApiKeys.SingleAsync();
        Assert.Equal(ApiKeyService.Hash(plain), stored.KeyHash);
        Assert.DoesNotContain(plain, cut.Find("#api-keys").TextContent); // the list shows the prefix only
        Assert.NotNull(await App.Services.GetRequiredService<ApiKeyService>().AuthenticateAsync(plain));
    }

    [Fact]
    public async Task A_member_gets_the_keys_as_a_section_of_the_organizations_tabs()
    {
        var org = await OrganizationAsync(OrganizationRole.Admin);
        var cut = RenderFor(org);
        cut.WaitForElement("#create-key");

        Assert.Equal("page", cut.Find("#tab-apikeys").GetAttribute("aria-current"));
        Assert.NotNull(cut.Find("#tab-billing"));
        Assert.Contains("Acme", cut.Find(".portal-org").TextContent);
        Assert.Empty(cut.FindAll("#api-keys-back")); // the tabs are the way to the other sections
    }

    [Fact]
    public async Task A_member_who_is_not_an_admin_sees_no_keys_and_cannot_create_one()
    {
        var org = await OrganizationAsync(OrganizationRole.Member);
        await App.Services.GetRequiredService<ApiKeyService>().CreateAsync(org, "existing", "someone");
        var cut = RenderFor(org);
        cut.WaitForAssertion(() => Assert.Contains("Only the organization's admins", cut.Markup));
        Assert.Empty(cut.FindAll("#create-key"));
        Assert.DoesNotContain("existing", cut.Markup);
    }

    [Fact]
    public async Task Creating_a_key_says_so_in_a_snackbar_and_keeps_the_key_on_the_page()
    {
        var org = await OrganizationAsync(OrganizationRole.Admin);
        var snackbars = Render<MudSnackbarProvider>();
        var cut = RenderFor(org);
        cut.WaitForElement("#create-key");

        cut.Find("input[name=key-name]").Input("billing-agent");
        cut.Find("form").Submit();

        snackbars.WaitForAssertion(() => Assert.Contains("Key “billing-agent” created", snackbars.Markup));
        Assert.Single(Services.GetRequiredService<ISnackbar>().ShownSnackbars);
        // The toast goes, the key stays (the page re-renders with it right after the toast is raised).
        cut.WaitForAssertion(() => Assert.StartsWith(ApiKeyService.KeyPrefix, cut.Find("#new-api-key").TextContent.Trim()), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Revoking_asks_first_in_a_dialog_and_cancel_keeps_the_key()
    {
        var org = await OrganizationAsync(OrganizationRole.Admin);
        var key = (await App.Services.GetRequiredService<ApiKeyService>().CreateAsync(org, "existing", UserId)).Key;
        var dialogs = Render<MudDialogProvider>();
        var cut = RenderFor(org);
        cut.WaitForElement(".apikeys-revoke").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Revoke “existing”?", dialogs.Markup));
        Assert.Contains("Revoke this key?", dialogs.Find(".mud-dialog-title").TextContent);
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")));
        Assert.Null(await RevokedAtAsync(key.Id));

        cut.Find(".apikeys-revoke").Click();
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll(".mud-dialog button")));
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        cut.WaitForAssertion(() => Assert.Contains("Revoked", cut.Find("#api-keys").TextContent));
        Assert.Empty(cut.FindAll(".apikeys-revoke"));
        Assert.NotNull(await RevokedAtAsync(key.Id));
    }

    private async Task<DateTimeOffset?> RevokedAtAsync(Guid id)
    {
        await using var db = App.CreateDbContext();
        return (await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id)).RevokedAt;
    }

    [Fact]
    public async Task Before_the_circuit_the_create_button_says_connecting_and_cannot_be_clicked()
    {
        var org = await OrganizationAsync(OrganizationRole.Admin);
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false)); // prerendering

        var cut = RenderFor(org);

        var button = cut.WaitForElement("#create-key");
        Assert.True(button.HasAttribute("disabled"));
        Assert.Contains("Connecting…", button.TextContent);
        Assert.NotNull(button.QuerySelector(".mud-progress-circular"));
    }
}
