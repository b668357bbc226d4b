using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Pilotdeck.Contracts.Guardian.V1;
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

    /// <summary>Sends an upload and returns the stored analysis.</summary>
    public async Task<AnalyzeProjectResponse> UploadAsync(string token, IEnumerable<AnalyzeProjectRequest> messages)
    {
        using var call = new GuardianService.GuardianServiceClient(CreateChannel()).AnalyzeProject(Bearer(token));
        foreach (var message in messages)
        {
            await call.RequestStream.WriteAsync(message);
        }

        await call.RequestStream.CompleteAsync();
        return await call.ResponseAsync;
    }

    /// <summary>Sends until the server stops the call (a failed write ends sending), then returns the status.</summary>
    public async Task<RpcException> SendFailsAsync(string token, IEnumerable<AnalyzeProjectRequest> messages)
    {
        using var call = new GuardianService.GuardianServiceClient(CreateChannel()).AnalyzeProject(Bearer(token));
        try
        {
            foreach (var message in messages)
            {
                await call.RequestStream.WriteAsync(message);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException or OperationCanceledException)
        {
            // The server answered early; its status is in ResponseAsync.
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.NotNull(error.GetRpcStatus());
        return error;
    }

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
