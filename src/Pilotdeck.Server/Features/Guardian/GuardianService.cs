using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Data.Guardian;
using Pilotdeck.Guardian;
using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Configuration;
using Grpc.Core;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Grpc;
using Pilotdeck.Server.Platform.Idempotency;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Guardian;

/// <summary>
/// pilotdeck.guardian.v1: dbt artifacts in, stored analyses out. The analysis itself is the
/// Pilotdeck.Guardian library's; this class validates, spools the upload, calls it and maps.
/// Every query runs in the caller's tenant because the access interceptor bound it.
/// </summary>
public sealed class GuardianService : Contracts.Guardian.V1.GuardianService.GuardianServiceBase
{
    private const int MaxPathFilters = 100;
    private const int MaxPathFilterLength = 500;
    private const int MaxProjectNameLength = 200;

    private readonly GuardianAnalyses _analyses;
    private readonly IdempotentCreates _idempotent;
    private readonly Pager _pager;
    private readonly GuardianServerOptions _options;
    private readonly ChangeReceipts _receipts;

    public GuardianService(GuardianAnalyses analyses, IdempotentCreates idempotent, Pager pager, IOptions<GuardianServerOptions> options, ChangeReceipts receipts)
    {
        _receipts = receipts;
        _analyses = analyses;
        _idempotent = idempotent;
        _pager = pager;
        _options = options.Value;
    }

    public override async Task<AnalyzeProjectResponse> AnalyzeProject(IAsyncStreamReader<AnalyzeProjectRequest> requestStream, ServerCallContext context)
    {
        UploadCalls.LiftBodySizeLimit(context);

        var cancellationToken = context.CancellationToken;
        using var messages = new UploadMessages<AnalyzeProjectRequest>(requestStream, _options.UploadIdleTimeout, cancellationToken);
        if (!await messages.MoveNextAsync() || messages.Current.PayloadCase != AnalyzeProjectRequest.PayloadOneofCase.Metadata)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("metadata", "the first message must carry metadata"));
        }

        // Validated before the upload, so a bad request fails before megabytes are sent.
        var metadata = messages.Current.Metadata;
        var options = Validate(metadata);

        await using var upload = await ArtifactUpload.ReceiveAsync(messages, _options, cancellationToken);
        if (upload.Manifest is null)
        {
            throw ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.ManifestMissing,
                "No manifest_chunk arrived: send target/manifest.json in chunks after the metadata message.",
                violations: [new FieldViolation("manifest_chunk", "is required")]);
        }

        // Analyzed outside IdempotentCreates' transaction: on SQLite that transaction holds the
        // write lock, and a large manifest takes seconds. A retry re-analyzes but stores nothing twice.
        var (stored, warnings) = await UploadAnalysis.AnalyzeAsync(upload, options, metadata.ProjectName, _analyses, _options, cancellationToken);

        return await _idempotent.RunAsync(context.Method, metadata.RequestId, upload.RequestHash(metadata), AnalyzeProjectResponse.Parser,
            () => _receipts.RecordAsync(context.Method, r => "analyses/" + r.Analysis.AnalysisId, async () =>
            {
                await _analyses.SaveAsync(stored, cancellationToken);
                var response = new AnalyzeProjectResponse { Analysis = GuardianMapping.ToContract(stored) };
                response.Warnings.AddRange(warnings);
                return response;
            }, cancellationToken), cancellationToken);
    }

    public override async Task<GetAnalysisResponse> GetAnalysis(GetAnalysisRequest request, ServerCallContext context)
    {
        if (request.MaxPriority is < 0 or > 5)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("max_priority", "must be between 0 (all) and 5"));
        }

        var stored = await FindAsync(request.AnalysisId, context.CancellationToken);
        var result = GuardianAnalyses.ReadResult(stored);
        var response = new GetAnalysisResponse { Analysis = GuardianMapping.ToContract(stored) };
        response.Warnings.AddRange(result.Warnings);
        if (request.View != AnalysisView.Basic)
        {
            var maxPriority = request.MaxPriority == 0 ? 5 : request.MaxPriority;
            response.Resources.AddRange(result.Coverage.Resources.Select(GuardianMapping.ToContract));
            response.Gaps.AddRange(result.Gaps.Where(g => g.Priority <= maxPriority).Select(GuardianMapping.ToContract));
        }

        return response;
    }

    public override async Task<ListAnalysesResponse> ListAnalyses(ListAnalysesRequest request, ServerCallContext context)
    {
        var page = _pager.Read(request.PageSize, request.PageToken, $"project_name={request.ProjectName}");
        var query = _analyses.Summaries();
        if (!string.IsNullOrEmpty(request.ProjectName))
        {
            query = query.Where(a => a.ProjectName == request.ProjectName);
        }

        // Keyset on (created, id), both descending: newest first, ids break ties within a millisecond.
        if (page.After is { } after)
        {
            var (created, id) = NewestFirstKey.Parse(after);
            query = query.Where(a => a.CreatedAt < created || (a.CreatedAt == created && string.Compare(a.Id, id) < 0));
        }

        var rows = await query
            .OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id)
            .Select(GuardianAnalyses.WithoutBlobs)
            .Take(page.FetchCount)
            .ToListAsync(context.CancellationToken);
        var (items, next) = _pager.Page(page, rows, a => new NewestFirstKey(a.CreatedAt, a.Id).ToString());
        var response = new ListAnalysesResponse { NextPageToken = next };
        response.Analyses.AddRange(items.Select(GuardianMapping.ToContract));
        return response;
    }

    public override async Task<GenerateTestsResponse> GenerateTests(GenerateTestsRequest request, ServerCallContext context)
    {
        if (request.PriorityThreshold is < 0 or > 5)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("priority_threshold", "must be between 0 (the analysis's threshold) and 5"));
        }

        var stored = await FindAsync(request.AnalysisId, context.CancellationToken);
        var threshold = request.PriorityThreshold == 0 ? stored.PriorityThreshold : request.PriorityThreshold;
        var level = GuardianAnalyses.ReadSuggestions(stored).Where(l => l.Priority <= threshold).MaxBy(l => l.Priority);
        var response = new GenerateTestsResponse();
        if (level is null)
        {
            return response;
        }

        response.Files.AddRange(level.Files.Select(f => new GeneratedFile { Path = f.Path, Content = f.Content, TestsAdded = f.TestsAdded, ExistingFile = f.ExistingFile }));
        response.TestsAdded = level.Files.Sum(f => f.TestsAdded);
        response.Warnings.AddRange(level.Warnings);
        return response;
    }

    public override async Task<GetProjectInfoResponse> GetProjectInfo(GetProjectInfoRequest request, ServerCallContext context)
    {
        var stored = await FindAsync(request.AnalysisId, context.CancellationToken);
        return GuardianMapping.ToProjectInfo(stored, GuardianAnalyses.ReadResult(stored).Project);
    }

    private async Task<GuardianAnalysisRecord> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("analysis_id", "is required"));
        }

        return await _analyses.FindAsync(id, cancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.AnalysisNotFound, "Analysis", id);
    }

    private static GuardianOptions Validate(AnalyzeProjectMetadata metadata)
    {
        var violations = new List<FieldViolation>();
        if (metadata.RequestId.Length > 100)
        {
            violations.Add(new("metadata.request_id", "must be at most 100 characters"));
        }

        if (metadata.ProjectName.Length > MaxProjectNameLength)
        {
            violations.Add(new("metadata.project_name", $"must be at most {MaxProjectNameLength} characters"));
        }

        var options = metadata.Options ?? new AnalysisOptions();
        if (options.PriorityThreshold is < 0 or > 5)
        {
            violations.Add(new("metadata.options.priority_threshold", "must be between 1 and 5, or 0 for all"));
        }

        foreach (var (field, paths) in new[] { ("include_paths", options.IncludePaths), ("exclude_paths", options.ExcludePaths) })
        {
            if (paths.Count > MaxPathFilters || paths.Any(p => string.IsNullOrWhiteSpace(p) || p.Length > MaxPathFilterLength))
            {
                violations.Add(new($"metadata.options.{field}", $"at most {MaxPathFilters} non-empty paths of at most {MaxPathFilterLength} characters"));
            }
        }

        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        return new GuardianOptions
        {
            Include = [.. options.IncludePaths],
            Exclude = [.. options.ExcludePaths],
            IncludePackages = options.IncludePackages,
            Priority = options.PriorityThreshold == 0 ? 5 : options.PriorityThreshold,
        };
    }
}
