using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Server.Tests.Hosting;
using Pilotdeck.Server.Tests.Platform.Jobs;

namespace Pilotdeck.Server.Tests.Features.Imports;

/// <summary>
/// The real host with small import limits, so the job path, the upload limit and batching show
/// with small files: uploads over 1 MiB are refused, files over 32 KiB are planned by a job,
/// plans over 300 rows are committed by one, 50 rows go in a batch.
/// </summary>
public abstract class ImportsHostFixture : JobsHostFixture
{
    public const long MaxUploadBytes = 1024 * 1024;

    protected override IEnumerable<string> ExtraArgs =>
    [
        .. FastPolling,
        $"--Pilotdeck:Imports:MaxUploadBytes={MaxUploadBytes}",
        "--Pilotdeck:Imports:JobThresholdBytes=32768",
        "--Pilotdeck:Imports:JobThresholdRows=300",
        "--Pilotdeck:Imports:BatchSize=50",
    ];
}

public sealed class SqliteImportsHostFixture : ImportsHostFixture
{
    protected override Data.DatabaseProvider Provider => Data.DatabaseProvider.Sqlite;
}

public sealed class PostgresImportsHostFixture : ImportsHostFixture
{
    protected override Data.DatabaseProvider Provider => Data.DatabaseProvider.Postgres;
}

/// <summary>Clients, callers and files the import tests share.</summary>
internal sealed class ImportsTestSupport(HostFixture host)
{
    public const string Header = "userName,emails,givenName,familyName,active,roles";

    public ImportsService.ImportsServiceClient Imports => new(host.CreateChannel());

    public async Task<Metadata> OwnerAsync(TenantUnderTest tenant) =>
        HostFixture.Bearer(await host.UserTokenAsync(tenant.OwnerEmail, tenant.OwnerPassword));

    /// <summary>A CSV with <paramref name="lines"/> after the identities header, LF line ends.</summary>
    public static byte[] Csv(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\n", [Header, .. lines]) + "\n");

    /// <summary>A unique email domain per test, so tests sharing a host never collide.</summary>
    public static string Domain() => $"t{Guid.NewGuid():N}".Substring(0, 12) + ".example.com";

    public async Task<Import> DryRunAsync(Metadata caller, byte[] csv, string fileName = "members.csv")
    {
        var response = await Imports.CreateImportAsync(new CreateImportRequest { Kind = "identities", SourceFileName = fileName, Source = ByteString.CopyFrom(csv), DryRun = true }, caller);
        return response.Import;
    }

    public async Task<Import> UploadAsync(Metadata caller, byte[] csv, int chunkSize = 64 * 1024)
    {
        using var call = Imports.UploadImport(caller);
        await call.RequestStream.WriteAsync(new UploadImportRequest { Metadata = new UploadImportMetadata { Kind = "identities", SourceFileName = "big.csv" } });
        for (var offset = 0; offset < csv.Length; offset += chunkSize)
        {
            await call.RequestStream.WriteAsync(new UploadImportRequest { Chunk = ByteString.CopyFrom(csv, offset, Math.Min(chunkSize, csv.Length - offset)) });
        }

        await call.RequestStream.CompleteAsync();
        return (await call).Import;
    }

    /// <summary>Follows WatchImport until the import settles; returns every state seen and the last import.</summary>
    public async Task<(List<ImportState> States, Import Last)> WatchAsync(Metadata caller, string importId)
    {
        using var call = Imports.WatchImport(new WatchImportRequest { ImportId = importId }, caller, DateTime.UtcNow.AddMinutes(2));
        var states = new List<ImportState>();
        Import? last = null;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            last = call.ResponseStream.Current.Import;
            states.Add(last.State);
        }

        return (states, last!);
    }

    public async Task<List<ImportRow>> RowsAsync(Metadata caller, string importId, RowOutcome outcome = RowOutcome.Unspecified)
    {
        var rows = new List<ImportRow>();
        var request = new ListImportRowsRequest { ImportId = importId, Outcome = outcome, PageSize = 200 };
        do
        {
            var page = await Imports.ListImportRowsAsync(request, caller);
            rows.AddRange(page.Rows);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        return rows;
    }
}
