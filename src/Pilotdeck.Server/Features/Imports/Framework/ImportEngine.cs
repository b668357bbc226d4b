using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Imports;
using Pilotdeck.Server.Features.Retention;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>
/// Runs imports: stores an upload, plans it (dry-run) and commits a plan. A dry-run and a commit
/// are the same pass over the file (<see cref="PassAsync"/>); the commit's pass runs inside one
/// transaction, applies as it goes, and is rolled back unless its plan hash is the one the caller
/// reviewed — so a commit applies exactly the plan that was shown, or nothing. Scoped, tenant-bound.
/// </summary>
public sealed class ImportEngine(PilotdeckDbContext db, ChangeReceipts receipts, ImporterCatalog catalog, ImportProgressBoard board, IOptions<ImportOptions> options, IServiceScopeFactory scopes, TimeProvider time)
{
    public const string CommitAction = Policy.GovernedActions.ImportCommit;

    private ImportOptions Options => options.Value;

    /// <summary>Stores a received file as a new import in state UPLOADED, with its receipt.</summary>
    public async Task<ImportRecord> StoreAsync(string receiptAction, IImporter importer, string fileName, IReadOnlyDictionary<string, string> importOptions, SourceSpool source, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var import = new ImportRecord
        {
            Id = "imp_" + Guid.NewGuid().ToString("N"),
            Kind = importer.Kind,
            SourceFileName = fileName,
            SourceSha256 = source.Sha256,
            SourceSize = source.Length,
            OptionsJson = JsonSerializer.Serialize(new SortedDictionary<string, string>(importOptions.ToDictionary(), StringComparer.Ordinal)),
            State = ImportStates.Uploaded,
            CreatedBy = receipts.Actor,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await receipts.RecordAsync(receiptAction, _ => ImportMapping.NameOf(import.Id), async () =>
        {
            db.Imports.Add(import);
            await db.SaveChangesAsync(cancellationToken);
            await source.StoreAsync(db, import.Id, cancellationToken);
            return ImportMapping.ToContract(import, null);
        }, cancellationToken);
        return await FindAsync(import.Id, cancellationToken);
    }

    public async Task<ImportRecord> FindAsync(string importId, CancellationToken cancellationToken) =>
        await db.Imports.SingleOrDefaultAsync(i => i.Id == importId, cancellationToken)
        ?? throw ApiErrors.NotFound(ErrorReason.ImportNotFound, "Import", importId);

    /// <summary>
    /// Refuses a dry-run an import cannot take: one committed or claimed by a commit (re-planning
    /// would overwrite what the commit did — as a retried plan job on the Job runs page would), or
    /// one whose file was erased. <paramref name="byItsJob"/>: the import's own plan job, which finds
    /// it PLANNING (marked so when queued, or left so by a crash); anyone else waits for that job.
    /// </summary>
    public async Task EnsurePlannableAsync(ImportRecord import, bool byItsJob, CancellationToken cancellationToken)
    {
        if (import.State is not (ImportStates.Uploaded or ImportStates.Planned or ImportStates.Failed) && !(byItsJob && import.State == ImportStates.Planning))
        {
            throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ImportStateInvalid,
                $"Import {import.Id} is {import.State}; only an uploaded, planned or failed import can be planned again.", new Dictionary<string, string> { ["state"] = import.State });
        }

        if (import.SourceSize > 0 && !await db.ImportChunks.AnyAsync(c => c.ImportId == import.Id, cancellationToken))
        {
            throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ImportStateInvalid,
                $"Import {import.Id} cannot be planned again. {PersonalDataEraser.FileRemoved}", new Dictionary<string, string> { ["state"] = "file_removed" });
        }
    }

    /// <summary>Dry-run: plans the import and stores its rows; the import ends PLANNED (or FAILED, rethrown).</summary>
    public async Task<ImportRecord> PlanAsync(string importId, CancellationToken cancellationToken)
    {
        await using var cache = await BulkWriteCache.EnlargeAsync(db.Database, cancellationToken);
        var import = await FindAsync(importId, cancellationToken);
        // Progress starts again (the plan-row writer only ever moves it forwards).
        import.RowsDone = 0;
        await SetStateAsync(import, ImportStates.Planning, cancellationToken);
        await db.ImportRows.Where(r => r.ImportId == importId).ExecuteDeleteAsync(cancellationToken);
        try
        {
            using var run = await PassAsync(import, apply: false, cancellationToken);
            import = await FindAsync(importId, cancellationToken);
            Finish(import, run, ImportStates.Planned);
            import.PlanHash = run.PlanHash();
            await db.SaveChangesAsync(cancellationToken);
            return import;
        }
        catch (Exception ex)
        {
            await FailAsync(importId, ex);
            throw;
        }
        finally
        {
            board.Finish(importId);
        }
    }

    /// <summary>
    /// Commits: re-plans inside one transaction, applying valid rows; commits only when the plan
    /// hash equals <paramref name="expectedPlanHash"/> (FAILED_PRECONDITION / IMPORT_PLAN_CHANGED
    /// otherwise, nothing written). The import's receipt links the policy decision handed to
    /// <see cref="ChangeReceipts"/> before, and its content is the import with its plan hash.
    /// </summary>
    public async Task<ImportRecord> CommitAsync(string importId, string expectedPlanHash, CancellationToken cancellationToken)
    {
        var stateInvalid = false;
        try
        {
            await using var cache = await BulkWriteCache.EnlargeAsync(db.Database, cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Claims the import inside the transaction: a second commit of it waits on this row and
            // then finds it committed; a crash rolls the claim back with everything else.
            var claimed = await db.Imports.Where(i => i.Id == importId && (i.State == ImportStates.Planned || i.State == ImportStates.Committing))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.State, ImportStates.Committing), cancellationToken);
            if (claimed == 0)
            {
                var state = (await FindAsync(importId, cancellationToken)).State;
                throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ImportStateInvalid,
                    $"Import {importId} is {state}; only a planned import can be committed.", new Dictionary<string, string> { ["state"] = state });
            }

            using var run = await PassAsync(await FindAsync(importId, cancellationToken), apply: true, cancellationToken);
            var hash = run.PlanHash();
            if (hash != expectedPlanHash)
            {
                await transaction.RollbackAsync(cancellationToken);
                throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ImportPlanChanged,
                    "The data changed since the dry-run: the plan now differs from the one reviewed, so nothing was committed. Run the dry-run again and commit its plan.",
                    new Dictionary<string, string> { ["expected_plan_hash"] = expectedPlanHash, ["current_plan_hash"] = hash });
            }

            var import = await FindAsync(importId, cancellationToken);
            Finish(import, run, ImportStates.Committed);
            await receipts.RecordAsync(CommitAction, _ => ImportMapping.NameOf(importId), async () =>
            {
                await db.SaveChangesAsync(cancellationToken);
                return ImportMapping.ToContract(import, null);
            }, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return import;
        }
        catch (RpcException ex) when (ApiErrors.ReasonOf(ex) == ErrorReasons.Name(ErrorReason.ImportStateInvalid))
        {
            // Another commit has it (or had it): its progress on the board stays.
            stateInvalid = true;
            throw;
        }
        catch (RpcException ex) when (ApiErrors.ReasonOf(ex) == ErrorReasons.Name(ErrorReason.ImportPlanChanged))
        {
            // The plan changed: the import stays PLANNED so it can be dry-run again.
            await SetStateAsync(await ReloadAsync(importId, cancellationToken), ImportStates.Planned, cancellationToken);
            throw;
        }
        catch (Exception ex)
        {
            await FailAsync(importId, ex);
            throw;
        }
        finally
        {
            if (!stateInvalid)
            {
                board.Finish(importId);
            }
        }
    }

    /// <summary>Moves the import to <paramref name="state"/> and saves.</summary>
    public async Task SetStateAsync(ImportRecord import, string state, CancellationToken cancellationToken)
    {
        import.State = state;
        import.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Notes the job that runs the import; written alone, so it never undoes the job's own progress.</summary>
    public Task AttachJobAsync(string importId, string jobId, CancellationToken cancellationToken) =>
        db.Imports.Where(i => i.Id == importId).ExecuteUpdateAsync(s => s.SetProperty(i => i.JobId, jobId), cancellationToken);

    private async Task<ImportRun> PassAsync(ImportRecord import, bool apply, CancellationToken cancellationToken)
    {
        var importer = catalog.Get(import.Kind);
        var importOptions = JsonSerializer.Deserialize<Dictionary<string, string>>(import.OptionsJson) ?? [];
        var run = new ImportRun(import, importOptions, receipts);
        var state = apply ? ImportStates.Committing : ImportStates.Planning;
        var plannedRows = import.CreatedCount + import.UpdatedCount + import.UnchangedCount + import.RejectedCount;
        var clock = Stopwatch.StartNew();
        var batches = 0;
        await using var stream = new StoredSource(db, import.Id);
        using var csv = CsvSource.Open(stream, importer.Columns);
        await using var planRows = apply ? null : PlanRowWriter.Start(scopes, import.TenantId, import.Id, cancellationToken);
        await using var lookups = apply ? null : new LookupLanes(scopes, import.TenantId, import.Kind);
        // Batch N + 1 is parsed on the thread pool while batch N is planned and written; a
        // dry-run looks each batch up as soon as it is parsed, on one of the lanes' connections,
        // and its plan rows are stored by the writer while the pass goes on. Every lookup and
        // every write a commit makes stays on this connection, one after another, in file order.
        (StartedBatch Batch, long BytesRead)? previous = null;
        try
        {
            var batch = new List<SourceRow>(Options.BatchSize);
            while (true)
            {
                var row = csv.Next();
                if (row is not null)
                {
                    batch.Add(row);
                }

                if (batch.Count > 0 && (row is null || batch.Count >= Options.BatchSize))
                {
                    var earlier = previous;
                    previous = (await importer.StartBatchAsync(batch, run, lookups?.Next(), cancellationToken), stream.BytesRead);
                    batch = new List<SourceRow>(Options.BatchSize);
                    if (earlier is { } finishing)
                    {
                        await FinishBatchAsync(finishing.Batch, finishing.BytesRead);
                    }
                }

                if (row is null)
                {
                    if (previous is { } last)
                    {
                        previous = null;
                        await FinishBatchAsync(last.Batch, last.BytesRead);
                    }

                    await (planRows?.CompleteAsync() ?? Task.CompletedTask);
                    return run;
                }
            }
        }
        finally
        {
            // A pass that failed does not leave the next batch's parse or lookup running in its scopes.
            if (previous is { } unfinished)
            {
                await Task.WhenAll(Task.WhenAny(unfinished.Batch.Parsing), Task.WhenAny(unfinished.Batch.Existing ?? Task.CompletedTask));
            }
        }

        async Task FinishBatchAsync(StartedBatch started, long bytesRead)
        {
            await importer.FinishBatchAsync(started, run, apply, cancellationToken);
            var planned = run.EndBatch();
            if (apply)
            {
                await db.InsertInBulkAsync(run.NewRecords, cancellationToken);
                run.NewRecords.Clear();
                await db.SaveChangesInBulkAsync(cancellationToken);
            }

            // Let the batch's entities go: memory stays bounded by the batch size.
            db.ChangeTracker.Clear();
            batches++;
            if (apply && Options.CrashAfterAppliedBatches > 0 && batches >= Options.CrashAfterAppliedBatches)
            {
                Environment.FailFast($"Pilotdeck:Imports:CrashAfterAppliedBatches={Options.CrashAfterAppliedBatches} reached in a commit (crash test).");
            }

            // A dry-run does not know its row count until the end: estimated from the bytes read up to this batch.
            var total = apply ? plannedRows : (long)(run.Rows * ((double)import.SourceSize / Math.Max(1, bytesRead)));
            var elapsed = clock.Elapsed.TotalSeconds;
            var progress = new ImportProgress(state, run.Rows, Math.Max(total, run.Rows), elapsed > 0 ? run.Rows / elapsed : 0);
            board.Report(import.Id, progress);
            if (!apply)
            {
                // A dry-run's progress is also stored, for every host; with the rows it counts.
                await planRows!.WriteAsync(planned, progress, cancellationToken);
            }
        }
    }

    private static void Finish(ImportRecord import, ImportRun run, string state)
    {
        import.State = state;
        import.CreatedCount = run.Created;
        import.UpdatedCount = run.Updated;
        import.UnchangedCount = run.Unchanged;
        import.RejectedCount = run.Rejected;
        import.RowsDone = run.Rows;
        import.RowsTotal = run.Rows;
        import.Failure = null;
    }

    private async Task<ImportRecord> ReloadAsync(string importId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        return await FindAsync(importId, cancellationToken);
    }

    /// <summary>Records why the import failed, outside any transaction that failed with it.</summary>
    private async Task FailAsync(string importId, Exception ex)
    {
        var reason = ex is RpcException rpc ? rpc.Status.Detail : "internal error: " + ex.GetType().Name;
        var import = await ReloadAsync(importId, CancellationToken.None);
        if (import.State == ImportStates.Committed)
        {
            return;
        }

        import.State = ImportStates.Failed;
        import.Failure = reason.Length > 2000 ? reason[..1999] + "…" : reason;
        import.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
