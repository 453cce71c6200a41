using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portal.Provisioning;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration.Provisioning;

/// <summary>A running portal on SQLite or a fresh PostgreSQL database, with one vendor API key.</summary>
internal sealed class ProvisioningWorld : IAsyncDisposable
{
    private readonly PostgresDatabase? pg;

    private ProvisioningWorld(PortalAppFactory app, PostgresDatabase? pg, string key)
    {
        (App, this.pg, Key) = (app, pg, key);
    }

    public PortalAppFactory App { get; }
    public string Key { get; }

    public static async Task<ProvisioningWorld> StartAsync(string provider = "Sqlite", Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor? interceptor = null,
        IDictionary<string, string?>? settings = null)
    {
        var pg = provider == "Postgres" ? await PostgresDatabase.CreateAsync() : null;
        var app = new PortalAppFactory(settings, postgresConnection: pg?.ConnectionString,
            configureServices: interceptor is null ? null : s => s.AddSingleton(interceptor));
        _ = app.BaseAddress;
        var key = (await app.Services.GetRequiredService<VendorApiKeyService>().CreateAsync("crm sync", "test-admin")).PlainKey;
        return new ProvisioningWorld(app, pg, key);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? key = null,
        string? raw = null, string contentType = "application/json")
    {
        using var client = App.CreateBrowser();
        using var request = new HttpRequestMessage(method, path);
        if (body is not null || raw is not null)
            request.Content = new StringContent(raw ?? System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, contentType);
        if (key != "") request.Headers.Authorization = new("Bearer", key ?? Key);
        return await client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PutAsync(string path, object body, string? key = null) => SendAsync(HttpMethod.Put, path, body, key);

    public async Task<T> JsonAsync<T>(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<T>())!;

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (pg is not null) await pg.DisposeAsync();
    }
}
