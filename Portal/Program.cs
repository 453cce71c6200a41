using Portal.Components;

var builder = WebApplication.CreateBuilder(args);
// Package assets (MudBlazor's CSS and JS) are served from the NuGet cache when not published, in every
// environment, not only Development; after `dotnet publish` they sit in wwwroot and this is a no-op.
builder.WebHost.UseStaticWebAssets();

builder.AddPortalDefaults();
builder.AddPublicUrls();
builder.AddPortalLocalization();
builder.AddPortalData();
builder.AddBranding();
builder.AddMarketplace();
builder.AddOnboarding();
builder.AddAccounts();
builder.AddEmail();
builder.AddOrganizations();
builder.AddMetering();
builder.AddWebhooks();
builder.AddDevTools();
builder.AddAdmin();
builder.AddProvisioning();
builder.AddOperations();

var app = builder.Build();

app.UseOperations();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler(new ExceptionHandlerOptions
    {
        ExceptionHandlingPath = "/error",
        CreateScopeForErrors = true,
        // A database outage passes: 503 tells load balancers and monitors so, and /error tells the person.
        StatusCodeSelector = ex => Portal.Data.DbErrors.IsUnavailable(ex) ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
    });
    app.UseHsts();
}
app.UseHttpsRedirection();
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseRequestLocalization();
app.UseRateLimiter();
app.UseDevToolsGate();
app.UseBrandAssets();
app.UseAuthentication();
app.UseAdminTwoFactor();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapOperations();
app.MapCultureEndpoints();
app.MapMarketplace();
app.MapAccountEndpoints();
app.MapUsageApi();
app.MapProvisioning();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

public partial class Program;
