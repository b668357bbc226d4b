using Grpc.Core;
using Microsoft.Extensions.Options;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Data.Imports;
using Pilotdeck.Server.Features.Imports.Framework;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Policy;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Imports;

/// <summary>
/// What the import RPCs that change something share: the importer's own access rule, storing an
/// upload and planning it (in the call, or as a job for big files), and committing under policy.
/// </summary>
public sealed class ImportCommands(ImporterCatalog catalog, ImportEngine engine, ImportJobs jobs, PolicyGate policy, ChangeReceipts receipts, CallerAccessor caller, IOptions<ImportOptions> options)
{
    public const string CommitQueuedAction = "imports.commit-queued";
    private const int MaxFileNameLength = 260;
    private const int MaxOptions = 20;

    public ImportOptions Options => options.Value;

    /// <summary>The importer of <paramref name="kind"/>, after checking the caller may run it and the options.</summary>
    public async Task<IImporter> AuthorizeAsync(string kind, string fileName, IReadOnlyDictionary<string, string>? importOptions, CancellationToken cancellationToken, string prefix = "")
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(kind))
        {
            violations.Add(new(prefix + "kind", "is required: " + string.Join(", ", catalog.All.Select(i => i.Kind))));
        }

        if (fileName is { Length: > MaxFileNameLength } || fileName.Any(char.IsControl))
        {
            violations.Add(new(prefix + "source_file_name", $"must be at most {MaxFileNameLength} characters without control characters"));
        }

        if (importOptions is { Count: > MaxOptions })
        {
            violations.Add(new(prefix + "options", $"at most {MaxOptions} options"));
        }

        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        var importer = catalog.Get(kind, prefix + "kind");
        if (importOptions is not null && importer.ValidateOptions(importOptions).Select(v => v with { Field = prefix + v.Field }).ToList() is { Count: > 0 } bad)
        {
            throw ApiErrors.InvalidArgument([.. bad]);
        }

        EnsureMayRun(importer);
        if (importOptions is not null)
        {
            await importer.CheckOptionTargetsAsync(importOptions, cancellationToken);
        }

        return importer;
    }

    /// <summary>The importer of a stored import, after checking the caller may run it.</summary>
    public IImporter AuthorizeFor(ImportRecord import)
    {
        var importer = catalog.Get(import.Kind);
        EnsureMayRun(importer);
        return importer;
    }

    /// <summary>Stores the spooled file as a new import and plans it: here, or as a job for a big file.</summary>
    public async Task<ImportRecord> StoreAndPlanAsync(string receiptAction, IImporter importer, string fileName, IReadOnlyDictionary<string, string> importOptions, SourceSpool spool, CancellationToken cancellationToken)
    {
        var import = await engine.StoreAsync(receiptAction, importer, string.IsNullOrWhiteSpace(fileName) ? "upload.csv" : fileName.Trim(), importOptions, spool, cancellationToken);
        return import.SourceSize > Options.JobThresholdBytes
            ? await jobs.QueuePlanAsync(import, cancellationToken)
            : await engine.PlanAsync(import.Id, cancellationToken);
    }

    /// <summary>
    /// Commits a planned import under the policy (<c>imports.commit</c>). The payload an approval
    /// binds is the commit request (import id and plan hash), whichever RPC asked.
    /// </summary>
    public async Task<ImportRecord> CommitAsync(ImportRecord import, string planHash, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(planHash))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("plan_hash", "is required: the plan hash of the dry-run being committed"));
        }

        if (import.State != ImportStates.Planned)
        {
            throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ImportStateInvalid,
                $"Import {import.Id} is {import.State}; only a planned import can be committed.", new Dictionary<string, string> { ["state"] = import.State });
        }

        if (planHash != import.PlanHash)
        {
            throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ImportPlanChanged,
                "That is not the import's current plan: it was planned again since. Review the current plan and commit its hash.",
                new Dictionary<string, string> { ["expected_plan_hash"] = planHash, ["current_plan_hash"] = import.PlanHash ?? "" });
        }

        var rows = import.CreatedCount + import.UpdatedCount + import.UnchangedCount + import.RejectedCount;
        await policy.AuthorizeAsync(ImportEngine.CommitAction, ImportMapping.NameOf(import.Id), new Dictionary<string, object?>
        {
            ["kind"] = import.Kind,
            ["rows"] = rows,
            ["created"] = import.CreatedCount,
            ["updated"] = import.UpdatedCount,
            ["unchanged"] = import.UnchangedCount,
            ["rejected"] = import.RejectedCount,
        }, new CommitImportRequest { ImportId = import.Id, PlanHash = planHash }, context);

        if (rows <= Options.JobThresholdRows && import.SourceSize <= Options.JobThresholdBytes)
        {
            return await engine.CommitAsync(import.Id, planHash, context.CancellationToken);
        }

        // Queued: this receipt holds the policy decision; the job's own receipt records the commit.
        await receipts.RecordAsync(CommitQueuedAction, _ => ImportMapping.NameOf(import.Id), async () =>
        {
            await engine.SetStateAsync(import, ImportStates.Committing, context.CancellationToken);
            return ImportMapping.ToContract(import, null);
        }, context.CancellationToken);
        import.JobId = await jobs.QueueCommitAsync(import.Id, planHash, context.CancellationToken);
        return import;
    }

    private void EnsureMayRun(IImporter importer)
    {
        var who = caller.Current;
        if (who.IsApiClient ? !who.Scopes.Contains(importer.ClientScope) : who.Role is not { } role || role > importer.MinimumRole)
        {
            throw ApiErrors.Create(StatusCode.PermissionDenied, who.IsApiClient ? ErrorReason.ScopeMissing : ErrorReason.RoleInsufficient,
                who.IsApiClient
                    ? $"The {importer.Kind} importer needs the scope {importer.ClientScope}."
                    : $"The {importer.Kind} importer needs the {importer.MinimumRole.ToApiName()} role or higher.",
                who.IsApiClient
                    ? new Dictionary<string, string> { ["required_scopes"] = importer.ClientScope }
                    : new Dictionary<string, string> { ["required_role"] = importer.MinimumRole.ToApiName() });
        }
    }
}
