using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Imports;
using Pilotdeck.Server.Features.Imports.Framework;
using Pilotdeck.Server.Features.Imports.Manifest;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Grpc;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Transparency.Dsse;

namespace Pilotdeck.Server.Features.Imports;

/// <summary>
/// pilotdeck.imports.v1 (docs/imports.md): validates, calls <see cref="ImportCommands"/> or the
/// engine, maps. Every query runs in the caller's tenant because the access interceptor bound it;
/// another tenant's import is NOT_FOUND exactly like an unknown one.
/// </summary>
public sealed class ImportsService(PilotdeckDbContext db, ImportCommands commands, ImportEngine engine, ImporterCatalog catalog, ImportReports reports, InstallationKeys keys, ImportProgressBoard board, Pager pager)
    : Contracts.Imports.V1.ImportsService.ImportsServiceBase
{
    private static readonly TimeSpan WatchPoll = TimeSpan.FromMilliseconds(250);

    public override async Task<CreateImportResponse> CreateImport(CreateImportRequest request, ServerCallContext context)
    {
        var importer = await commands.AuthorizeAsync(request.Kind, request.SourceFileName, request.Options, context.CancellationToken);
        if (request.Source.Length > commands.Options.MaxInlineBytes)
        {
            throw ApiErrors.Create(StatusCode.ResourceExhausted, ErrorReason.UploadTooLarge,
                $"An inline source is at most {commands.Options.MaxInlineBytes} bytes; send bigger files with UploadImport (the CLI does so by itself).",
                new Dictionary<string, string> { ["max_upload_bytes"] = commands.Options.MaxInlineBytes.ToString(CultureInfo.InvariantCulture) });
        }

        await using var spool = new SourceSpool(commands.Options.MaxUploadBytes, commands.Options.TempDirectory);
        await spool.AppendAsync(request.Source.Memory, context.CancellationToken);
        spool.Complete();
        var import = await commands.StoreAndPlanAsync(context.Method, importer, request.SourceFileName, request.Options, spool, context.CancellationToken);
        if (!request.DryRun && import.State == ImportStates.Planned)
        {
            import = await commands.CommitAsync(import, import.PlanHash!, context);
        }

        return new CreateImportResponse { Import = ToContract(import) };
    }

    public override async Task<UploadImportResponse> UploadImport(IAsyncStreamReader<UploadImportRequest> requestStream, ServerCallContext context)
    {
        UploadCalls.LiftBodySizeLimit(context);

        var cancellationToken = context.CancellationToken;
        if (!await requestStream.MoveNext(cancellationToken) || requestStream.Current.PayloadCase != UploadImportRequest.PayloadOneofCase.Metadata)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("metadata", "the first message must carry metadata"));
        }

        var metadata = requestStream.Current.Metadata;
        var importer = await commands.AuthorizeAsync(metadata.Kind, metadata.SourceFileName, metadata.Options, cancellationToken, "metadata.");
        await using var spool = new SourceSpool(commands.Options.MaxUploadBytes, commands.Options.TempDirectory);
        while (await requestStream.MoveNext(cancellationToken))
        {
            if (requestStream.Current.PayloadCase != UploadImportRequest.PayloadOneofCase.Chunk)
            {
                throw ApiErrors.InvalidArgument(new FieldViolation("chunk", "every message after the first must carry a chunk"));
            }

            await spool.AppendAsync(requestStream.Current.Chunk.Memory, cancellationToken);
        }

        spool.Complete();
        var import = await commands.StoreAndPlanAsync(context.Method, importer, metadata.SourceFileName, metadata.Options, spool, cancellationToken);
        return new UploadImportResponse { Import = ToContract(import) };
    }

    public override async Task<GetImportResponse> GetImport(GetImportRequest request, ServerCallContext context) =>
        new() { Import = ToContract(await FindAsync(request.ImportId, context.CancellationToken)) };

    public override async Task<ListImportsResponse> ListImports(ListImportsRequest request, ServerCallContext context)
    {
        var state = request.State == ImportState.Unspecified ? null : ImportMapping.StoredState(request.State)
            ?? throw ApiErrors.InvalidArgument(new FieldViolation("state", "is not an import state"));
        var page = pager.Read(request.PageSize, request.PageToken, $"kind={request.Kind}|state={state}");
        var query = db.Imports.AsNoTracking();
        if (request.Kind.Length > 0)
        {
            query = query.Where(i => i.Kind == request.Kind.ToLowerInvariant());
        }

        if (state is not null)
        {
            query = query.Where(i => i.State == state);
        }

        if (page.After is { } after)
        {
            var (created, id) = NewestFirstKey.Parse(after);
            query = query.Where(i => i.CreatedAt < created || (i.CreatedAt == created && string.Compare(i.Id, id) < 0));
        }

        var rows = await query.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (items, next) = pager.Page(page, rows, i => new NewestFirstKey(i.CreatedAt, i.Id).ToString());
        var response = new ListImportsResponse { NextPageToken = next };
        response.Imports.AddRange(items.Select(ToContract));
        return response;
    }

    public override async Task<ListImportRowsResponse> ListImportRows(ListImportRowsRequest request, ServerCallContext context)
    {
        var import = await FindAsync(request.ImportId, context.CancellationToken);
        var outcome = request.Outcome == RowOutcome.Unspecified ? null : ImportMapping.StoredOutcome(request.Outcome)
            ?? throw ApiErrors.InvalidArgument(new FieldViolation("outcome", "is not a row outcome"));
        var page = pager.Read(request.PageSize, request.PageToken, $"import={import.Id}|outcome={outcome}");
        long? after = page.After is { } token ? long.Parse(token, CultureInfo.InvariantCulture) : null;
        var rows = await db.ImportRows.AsNoTracking().OfImport(import.Id, outcome).RowsAfterAsync(after, page.FetchCount, context.CancellationToken);
        var (items, next) = pager.Page(page, rows, r => r.RowNumber.ToString(CultureInfo.InvariantCulture));
        var response = new ListImportRowsResponse { NextPageToken = next };
        response.Rows.AddRange(items.Select(ImportMapping.ToContract));
        return response;
    }

    public override async Task<PlanImportResponse> PlanImport(PlanImportRequest request, ServerCallContext context)
    {
        var import = await FindAsync(request.ImportId, context.CancellationToken);
        commands.AuthorizeFor(import);
        await engine.EnsurePlannableAsync(import, byItsJob: false, context.CancellationToken);
        return new PlanImportResponse { Import = ToContract(await engine.PlanAsync(import.Id, context.CancellationToken)) };
    }

    public override async Task<CommitImportResponse> CommitImport(CommitImportRequest request, ServerCallContext context)
    {
        var import = await FindAsync(request.ImportId, context.CancellationToken);
        commands.AuthorizeFor(import);
        return new CommitImportResponse { Import = ToContract(await commands.CommitAsync(import, request.PlanHash, context)) };
    }

    public override async Task WatchImport(WatchImportRequest request, IServerStreamWriter<WatchImportResponse> responseStream, ServerCallContext context)
    {
        ByteString? last = null;
        while (true)
        {
            var finished = board.NextFinish;
            var record = await FindAsync(request.ImportId, context.CancellationToken);
            var live = board.Find(record.Id);
            var import = ImportMapping.ToContract(record, live);
            var bytes = import.ToByteString();
            if (!bytes.Equals(last))
            {
                await responseStream.WriteAsync(new WatchImportResponse { Import = import }, context.CancellationToken);
                last = bytes;
            }

            if (live is null && ImportMapping.IsSettled(record.State))
            {
                return;
            }

            db.ChangeTracker.Clear();
            await Task.WhenAny(finished, Task.Delay(WatchPoll, context.CancellationToken));
            context.CancellationToken.ThrowIfCancellationRequested();
        }
    }

    public override async Task<GetImportManifestResponse> GetImportManifest(GetImportManifestRequest request, ServerCallContext context)
    {
        var import = await FindAsync(request.ImportId, context.CancellationToken);
        return new GetImportManifestResponse { EnvelopeJson = (await reports.ManifestAsync(import, context.CancellationToken)).ToJson() };
    }

    public override async Task<GetFailedRowsResponse> GetFailedRows(GetFailedRowsRequest request, ServerCallContext context)
    {
        var import = await FindAsync(request.ImportId, context.CancellationToken);
        var csv = await reports.FailedRowsCsvAsync(import, context.CancellationToken);
        return new GetFailedRowsResponse { Csv = ByteString.CopyFrom(csv), FileName = Path.GetFileNameWithoutExtension(import.SourceFileName) + ".failed-rows.csv" };
    }

    public override async Task<GetManifestKeyResponse> GetManifestKey(GetManifestKeyRequest request, ServerCallContext context)
    {
        var key = await keys.SigningKeyAsync(InstallationKeys.ImportManifestPurpose, context.CancellationToken);
        var publicKey = key.VerifierKey.PublicKey;
        return new GetManifestKeyResponse { KeyId = DsseEnvelope.KeyIdOf(publicKey), PublicKeyPem = Ed25519PublicKeyPem.Format(publicKey) };
    }

    public override Task<ListImportersResponse> ListImporters(ListImportersRequest request, ServerCallContext context)
    {
        var response = new ListImportersResponse();
        foreach (var importer in catalog.All)
        {
            var contract = new Importer { Kind = importer.Kind, Description = importer.Description, MinRole = Platform.Auth.RoleMapping.ToContract(importer.MinimumRole) };
            contract.Columns.AddRange(importer.Columns.Select(c => new ImporterColumn { Name = c.Name, Required = c.Required, Description = c.Description, Aliases = { c.Aliases } }));
            contract.Options.AddRange(importer.OptionNames);
            response.Importers.Add(contract);
        }

        return Task.FromResult(response);
    }

    private async Task<ImportRecord> FindAsync(string importId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(importId))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("import_id", "is required"));
        }

        return await engine.FindAsync(importId, cancellationToken);
    }

    private Import ToContract(ImportRecord record) => ImportMapping.ToContract(record, board.Find(record.Id));
}
