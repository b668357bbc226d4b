using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Validation;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Features.Identity;
using Pilotdeck.Server.Platform.Auth;

namespace Pilotdeck.Bench.Api;

/// <summary>One piece of the authenticated path, run alone in a loop in the server process.</summary>
internal sealed record Step(string Name, string Where, double CpuMicros, double Bytes, double WallMicros, double PostgresCpuMicros);

/// <summary>
/// Where the authenticated call's extra cost goes, without a profiler: each piece the access
/// interceptor and the handler do on top of an anonymous call, run alone against the live host's
/// own DI container and database, with the process's CPU time and allocated bytes per operation
/// (as the h2load runs measure them), and PostgreSQL's CPU per operation where it applies. Each
/// piece runs on <see cref="Concurrency"/> concurrent loops, so the cores stay busy as under
/// h2load: a sequential loop around a network round trip would count the thread pool's idle
/// spinning as CPU. A few variants that src/ could switch to are timed alongside.
/// </summary>
internal static class Breakdown
{
    public const int Concurrency = 16;

    public static async Task<List<Step>> RunAsync(ServerUnderTest server, int operations, PostgresCpu? postgresCpu)
    {
        // Per host: a compiled query is bound to the model it was compiled against (one per provider).
        var compiledFind = EF.CompileAsyncQuery((PilotdeckDbContext db, string id) => db.ApiClients.AsNoTracking().SingleOrDefault(c => c.ClientId == id));
        var services = server.Services;
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var token = server.AccessToken;
        var clientId = server.ClientId;
        var steps = new List<Step>();

        async Task Loop(int count, Func<int, Task> op)
        {
            var issued = -1;
            await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(worker => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref issued) < count)
                {
                    await op(worker);
                }
            })));
        }

        Task Measure(string name, string where, Func<Task> op) => MeasurePerWorker(name, where, _ => op());

        async Task MeasurePerWorker(string name, string where, Func<int, Task> op)
        {
            await Loop(Math.Max(operations / 5, 200), op);
            var dbBefore = postgresCpu?.Now() ?? TimeSpan.Zero;
            // Precise allocation counts here: the cheap counter lags when the loops' threads park on I/O.
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var before = ProcessCost.Now();
            var started = Stopwatch.GetTimestamp();
            await Loop(operations, op);
            var wall = Stopwatch.GetElapsedTime(started);
            var cost = (ProcessCost.Now() - before) with { AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore };
            var db = postgresCpu is null ? double.NaN : ((postgresCpu.Now() - dbBefore).TotalMicroseconds / operations);
            var step = new Step(name, where, cost.Cpu.TotalMicroseconds / operations, (double)cost.AllocatedBytes / operations, wall.TotalMicroseconds / operations, db);
            steps.Add(step);
            Console.WriteLine($"  {step.CpuMicros,7:F1} µs CPU {step.Bytes,7:N0} B  {step.WallMicros,7:F1} µs elapsed{(double.IsNaN(db) ? "" : $" {db,6:F1} µs postgres")}  {name}");
        }

        // 1. The DI scope every request already has, and what an authenticated call resolves in it.
        await Measure("DI scope (create + dispose)", "baseline; both endpoints pay it", async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
        });
        Type optionsType;
        await using (var probe = scopes.CreateAsyncScope())
        {
            optionsType = typeof(DbContextOptions<>).MakeGenericType(probe.ServiceProvider.GetRequiredService<PilotdeckDbContext>().GetType());
        }

        await Measure("scope + resolve DbContextOptions<TContext> alone", "AddDbContext's options are scoped: rebuilt per request", async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService(optionsType);
        });
        await Measure("scope + resolve PilotdeckDbContext (constructed, not used)", "per-request DbContext (AddDbContext, not pooled)", async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        });
        var identityFactory = ActivatorUtilities.CreateFactory<IdentityService>([]);
        await Measure("scope + TenantContext.Bind, ApiClients, IdentityService with its ctor deps", "what AccessPolicyInterceptor + the runtime's service factory resolve", async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            sp.GetRequiredService<TenantContext>().Bind(ServerUnderTest.TenantId);
            sp.GetRequiredService<ApiClients>();
            identityFactory(sp, null);
        });

        // 2. Token validation, the way the interceptor calls it, and its parts.
        var validator = services.GetRequiredService<AccessTokenValidator>();
        await Measure("AccessTokenValidator.ValidateAsync (as the interceptor calls it: cached after the first)", "Pilotdeck.Server/Platform/Auth/AccessTokenValidator.cs", async () =>
        {
            if ((await validator.ValidateAsync(token.AsMemory(), CancellationToken.None)).Principal is null)
            {
                throw new InvalidOperationException("The bench token did not validate.");
            }
        });
        var openIddict = services.GetRequiredService<OpenIddictValidationService>();
        await Measure("  OpenIddictValidationService.ValidateAccessTokenAsync (uncached)", "OpenIddict validation: signature, issuer, audience, type, lifetime", async () => await openIddict.ValidateAccessTokenAsync(token));

        var key = (ECDsaSecurityKey)services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.SigningCredentials[0].Key;
        var parts = token.Split('.');
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64UrlDecode(parts[2]);
        await Measure("  ES256 signature check alone (ECDsa.VerifyData, P-256)", "the crypto floor of validating a JWT", () =>
        {
            if (!key.ECDsa.VerifyData(signed, signature, HashAlgorithmName.SHA256))
            {
                throw new InvalidOperationException("Signature did not verify.");
            }

            return Task.CompletedTask;
        });

        // 3. The one indexed read: is the client still active? Fresh scope per call, as per request.
        await Measure("scope + Bind + PrincipalChecks.IsClientActiveAsync (as the interceptor does; batched with concurrent reads)", "Pilotdeck.Data/Identity/PrincipalChecks.cs, RowLookups.cs", async () =>
        {
            await using var scope = scopes.CreateTenantScope(ServerUnderTest.TenantId);
            if (!await scope.ServiceProvider.GetRequiredService<PrincipalChecks>().IsClientActiveAsync(clientId))
            {
                throw new InvalidOperationException("client not active");
            }
        });
        await Measure("  same check through EF: ApiClients.FindAsync (tracked)", "variant: LINQ", async () =>
        {
            await using var scope = scopes.CreateTenantScope(ServerUnderTest.TenantId);
            _ = await scope.ServiceProvider.GetRequiredService<ApiClients>().FindAsync(clientId) ?? throw new InvalidOperationException("client not found");
        });
        await Measure("  same read through EF, AsNoTracking", "variant", async () =>
        {
            await using var scope = scopes.CreateTenantScope(ServerUnderTest.TenantId);
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            _ = await db.ApiClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId) ?? throw new InvalidOperationException("client not found");
        });
        await Measure("  same read through EF, EF.CompileAsyncQuery + AsNoTracking", "variant", async () =>
        {
            await using var scope = scopes.CreateTenantScope(ServerUnderTest.TenantId);
            _ = await compiledFind(scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>(), clientId) ?? throw new InvalidOperationException("client not found");
        });
        // One long-lived context per loop (a DbContext is not thread-safe), as a pool would hand out.
        var workerScopes = Enumerable.Range(0, Concurrency).Select(_ => scopes.CreateTenantScope(ServerUnderTest.TenantId)).ToList();
        try
        {
            var contexts = workerScopes.Select(w => w.ServiceProvider.GetRequiredService<PilotdeckDbContext>()).ToList();
            await MeasurePerWorker("  same read through EF, compiled, DbContext reused per loop", "variant", async worker =>
            {
                _ = await compiledFind(contexts[worker], clientId) ?? throw new InvalidOperationException("client not found");
            });
        }
        finally
        {
            foreach (var w in workerScopes)
            {
                await w.DisposeAsync();
            }
        }

        // 4. The same read on a connection of its own, outside the host's DbContext: the floor for ADO.NET.
        var connectionString = server.ConnectionString;
        if (connectionString is null)
        {
            await using var scope = scopes.CreateAsyncScope();
            connectionString = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Database.GetConnectionString()!;
            await Measure("  same read, raw ADO.NET (pooled SqliteConnection + one SELECT, no EF)", "variant", async () =>
            {
                await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
                await connection.OpenAsync();
                await ReadClientAsync(connection, clientId);
            });
        }
        else
        {
            await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
            await Measure("  same read, raw ADO.NET (NpgsqlDataSource pooled connection + one SELECT, no EF)", "variant", async () =>
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                await ReadClientAsync(connection, clientId);
            });
            // Npgsql resets a pooled connection's session (DISCARD ALL) after each use, and EF's
            // statements are parsed and planned afresh every time; both are connection-string switches.
            var tuned = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, MaxAutoPrepare = 20 }.ConnectionString;
            await using var tunedSource = Npgsql.NpgsqlDataSource.Create(tuned);
            await Measure("  same read, raw ADO.NET, No Reset On Close + Max Auto Prepare=20 (one read per round trip)", "variant: unbatched", async () =>
            {
                await using var connection = await tunedSource.OpenConnectionAsync();
                await ReadClientAsync(connection, clientId);
            });
        }

        return steps;
    }

    private static async Task ReadClientAsync(System.Data.Common.DbConnection connection, string clientId)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT revoked_at, expires_at FROM api_clients WHERE tenant_id = @tenant AND client_id = @client";
        var tenant = command.CreateParameter();
        tenant.ParameterName = "tenant";
        tenant.Value = ServerUnderTest.TenantId;
        var client = command.CreateParameter();
        client.ParameterName = "client";
        client.Value = clientId;
        command.Parameters.Add(tenant);
        command.Parameters.Add(client);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync() || !reader.IsDBNull(0))
        {
            throw new InvalidOperationException("client not found or revoked");
        }
    }

    private static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
