using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Guardian;

/// <summary>
/// The host with a small Guardian upload limit, so exceeding it stays cheap. The limit is still
/// above Kestrel's default request body cap (~28.6 MiB), so hitting it proves that cap is lifted.
/// </summary>
public abstract class GuardianHostFixture : HostFixture
{
    public const long MaxUploadBytes = 40L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, Task<string>> _tokens = new();

    protected override IEnumerable<string> ExtraArgs => [$"--Pilotdeck:Guardian:MaxUploadBytes={MaxUploadBytes}"];

    /// <summary>A token of an API client with guardian.read and guardian.write, created once per tenant.</summary>
    public Task<string> GuardianTokenAsync(TenantUnderTest tenant) => _tokens.GetOrAdd(tenant.TenantId, _ => CreateGuardianTokenAsync(tenant));

    private async Task<string> CreateGuardianTokenAsync(TenantUnderTest tenant)
    {
        IssuedClientSecret issued;
        await using (var scope = Services.CreateTenantScope(tenant.TenantId))
        {
            issued = await scope.ServiceProvider.GetRequiredService<ApiClients>().CreateAsync($"{tenant.TenantId}-guardian", ["guardian.read", "guardian.write"]);
        }

        var (status, body) = await PostTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = issued.Client.ClientId,
            ["client_secret"] = issued.Secret,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }
}

public sealed class GuardianSqliteHostFixture : GuardianHostFixture
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class GuardianPostgresHostFixture : GuardianHostFixture
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
