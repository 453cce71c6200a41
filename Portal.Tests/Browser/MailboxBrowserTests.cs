using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Accounts;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>/dev/mailbox in Chromium: the HTML part renders in its sandbox (logo included) under the page's CSP, with no violation.</summary>
public sealed class MailboxBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly PortalAppFactory app = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Mailbox_HtmlPart_RendersSandboxedWithNoPolicyViolation()
    {
        _ = app.BaseAddress;
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<AccountService>().RegisterAsync("box@example.com", "Box Buyer", "Str0ng!Passw0rd");
        await using var context = await browser.Browser.NewContextAsync(app);
        var violations = new List<string>();
        context.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(m.Text); };
        var page = await context.NewPageAsync();

        await page.GotoAsync("dev/mailbox");
        await page.WaitForCircuitAsync();
        var mail = page.FrameLocator("details.portal-mail iframe");
        await Assertions.Expect(mail.GetByText("Verify my e-mail address")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.ShotAsync("mailbox-html-part");

        await Assertions.Expect(mail.GetByText("Hello Box Buyer,")).ToBeVisibleAsync();
        Assert.True(await mail.Locator("img").First.EvaluateAsync<bool>("i => i.complete && i.naturalWidth > 0"), "the logo shows");
        // No allow-same-origin: the message is another (opaque) origin, out of reach of the page and its cookies.
        Assert.True(await page.Locator("details.portal-mail iframe").EvaluateAsync<bool>("f => f.contentDocument === null"));
        await Assertions.Expect(page.Locator("details.portal-mail pre")).ToContainTextAsync("Hello Box Buyer,");
        Assert.Empty(violations);
    }
}
