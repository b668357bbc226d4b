using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Contracts.System.V1;
using Pilotdeck.Data;
using Pilotdeck.Server.Tests.Hosting;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Features.Imports;

/// <summary>
/// A commit killed mid-transaction leaves nothing: the server runs as a child process that ends
/// itself (Environment.FailFast, as a power cut) after two applied batches of a commit; a restarted
/// server shows no member, no receipt and a still-planned import, which then commits whole.
/// </summary>
public abstract class ImportCrashTests
{
    protected abstract DatabaseProvider Provider { get; }

    [Fact]
    public async Task HostKilledMidCommit_LeavesNothingPartial_AndTheCommitThenRunsWhole()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("pilotdeck-crash-").FullName;
        var database = new List<string>();
        Func<Task> drop = () => Task.CompletedTask;
        if (Provider == DatabaseProvider.Postgres)
        {
            var (connectionString, dropDatabase) = await ThrowawayPostgres.CreateDatabaseAsync("pd_crash");
            drop = dropDatabase;
            database.AddRange(["--Pilotdeck:Database:Provider=Postgres", $"--Pilotdeck:Database:ConnectionString={connectionString}"]);
        }

        try
        {
            var d = ImportsTestSupport.Domain();
            var csv = ImportsTestSupport.Csv([.. Enumerable.Range(0, 10).Select(i => $"crash{i}@{d},,,,true,VIEWER")]);
            string importId, planHash;
            using (var server = await ServerProcess.StartAsync(dataDirectory, [.. database, "--Pilotdeck:Imports:BatchSize=2", "--Pilotdeck:Imports:CrashAfterAppliedBatches=2"]))
            {
                var caller = await server.AdminAsync();
                var imports = new ImportsService.ImportsServiceClient(server.Channel);
                var plan = (await imports.CreateImportAsync(new CreateImportRequest { Kind = "identities", SourceFileName = "crash.csv", Source = Google.Protobuf.ByteString.CopyFrom(csv), DryRun = true }, caller)).Import;
                (importId, planHash) = (plan.ImportId, plan.PlanHash);
                Assert.Equal(10L, plan.CreatedCount);

                await Assert.ThrowsAsync<RpcException>(() => imports.CommitImportAsync(new CommitImportRequest { ImportId = importId, PlanHash = planHash }, caller).ResponseAsync);
                Assert.True(await server.ExitedAsync(TimeSpan.FromSeconds(30)), "the server did not end itself mid-commit");
            }

            using var restarted = await ServerProcess.StartAsync(dataDirectory, database);
            var admin = await restarted.AdminAsync();
            var client = new ImportsService.ImportsServiceClient(restarted.Channel);
            var members = await new IdentityService.IdentityServiceClient(restarted.Channel).ListMembersAsync(new ListMembersRequest { PageSize = 200 }, admin);
            var receipts = await new ReceiptsService.ReceiptsServiceClient(restarted.Channel).ListReceiptsAsync(new ListReceiptsRequest { Action = "/pilotdeck.identity.v1.IdentityService/CreateMember", PageSize = 200 }, admin);
            var import = (await client.GetImportAsync(new GetImportRequest { ImportId = importId }, admin)).Import;

            Assert.DoesNotContain(members.Members, m => m.Email.EndsWith(d, StringComparison.Ordinal));
            Assert.Empty(receipts.Receipts);
            Assert.Equal(ImportState.Planned, import.State);

            var committed = (await client.CommitImportAsync(new CommitImportRequest { ImportId = importId, PlanHash = planHash }, admin)).Import;
            Assert.Equal((ImportState.Committed, 10L), (committed.State, committed.CreatedCount));
        }
        finally
        {
            await drop();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>The built server (Pilotdeck.Server.dll beside the tests) as a child process on loopback.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly string _dataDirectory;
        private readonly string _address;

        private ServerProcess(Process process, string dataDirectory, int port)
        {
            _process = process;
            _dataDirectory = dataDirectory;
            _address = $"http://127.0.0.1:{port}";
            Channel = GrpcChannel.ForAddress(_address);
        }

        public GrpcChannel Channel { get; }

        public static async Task<ServerProcess> StartAsync(string dataDirectory, IEnumerable<string> settings)
        {
            var port = PilotdeckTestHost.FreePort();
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[]
            {
                Path.Combine(AppContext.BaseDirectory, "Pilotdeck.Server.dll"),
                $"--Pilotdeck:GrpcUrl=http://127.0.0.1:{port}", "--Pilotdeck:PortalUrl=http://127.0.0.1:0", "--Pilotdeck:RestUrl=http://127.0.0.1:0",
                $"--Pilotdeck:Database:DataDirectory={dataDirectory}", "--Pilotdeck:SeedDemo=true", "--Serilog:MinimumLevel=Warning",
            }.Concat(settings))
            {
                start.ArgumentList.Add(argument);
            }

            var server = new ServerProcess(Process.Start(start)!, dataDirectory, port);
            server._process.OutputDataReceived += (_, _) => { };
            server._process.ErrorDataReceived += (_, _) => { };
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            var system = new SystemService.SystemServiceClient(server.Channel);
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                try
                {
                    await system.GetServerInfoAsync(new GetServerInfoRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                    return server;
                }
                catch (RpcException) when (DateTime.UtcNow < deadline && !server._process.HasExited)
                {
                    await Task.Delay(250);
                }
            }
        }

        /// <summary>The seeded demo admin (credentials from the data directory), signed in.</summary>
        public async Task<Metadata> AdminAsync()
        {
            var line = (await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "demo-credentials.txt"))).Trim().Split(" / ");
            using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
            using var response = await http.PostAsync(_address + "/oauth2/token",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = line[0], ["password"] = line[1] }));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            return HostFixture.Bearer(JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!);
        }

        public async Task<bool> ExitedAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            Channel.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }
    }
}

public sealed class SqliteImportCrashTests : ImportCrashTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresImportCrashTests : ImportCrashTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
