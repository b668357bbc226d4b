using System.Globalization;
using System.Runtime;
using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Guardian;
using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Configuration;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Guardian;

/// <summary>
/// Reads an upload within the server's node/column budget, analyzes it and builds the row to
/// store. The project model lives only inside <see cref="AnalyzeAsync"/>: what leaves is the
/// compressed row and the warnings, so the model is garbage the moment this returns.
/// </summary>
internal static class UploadAnalysis
{
    public static async Task<(Data.Guardian.GuardianAnalysisRecord Stored, IReadOnlyList<string> Warnings)> AnalyzeAsync(
        ArtifactUpload upload, GuardianOptions options, string? requestedProjectName, GuardianAnalyses analyses,
        GuardianServerOptions limits, CancellationToken cancellationToken)
    {
        var releaseMemory = limits.ReleaseMemoryAfterBytes >= 0 && upload.TotalBytes >= limits.ReleaseMemoryAfterBytes;
        try
        {
            return await ReadAndAnalyzeAsync(upload, options, requestedProjectName, analyses, new ReadLimits(limits.MaxNodes, limits.MaxColumns), cancellationToken);
        }
        catch (ArtifactBudgetExceededException)
        {
            // A failed budget means a large upload by definition: its partial model is garbage too.
            releaseMemory = limits.ReleaseMemoryAfterBytes >= 0;
            throw;
        }
        finally
        {
            if (releaseMemory)
            {
                ReleaseMemory();
            }
        }
    }

    private static async Task<(Data.Guardian.GuardianAnalysisRecord, IReadOnlyList<string>)> ReadAndAnalyzeAsync(
        ArtifactUpload upload, GuardianOptions options, string? requestedProjectName, GuardianAnalyses analyses, ReadLimits readLimits, CancellationToken cancellationToken)
    {
        var project = await ReadProjectAsync(upload, readLimits, cancellationToken);
        var analysis = GuardianAnalyzer.Analyze(project, options);
        var projectName = string.IsNullOrWhiteSpace(requestedProjectName) ? analysis.Project.Name ?? "unnamed" : requestedProjectName.Trim();
        return (analyses.Prepare(projectName, project, analysis, options.Priority), analysis.Warnings);
    }

    /// <summary>
    /// A full blocking, compacting collection that also decommits the freed segments. Without it the
    /// server GC keeps the peak heap of a large analysis committed for minutes (a 510 MiB manifest
    /// left the host at 4.1 GB RSS); the pause is short next to the analysis it follows.
    /// </summary>
    private static void ReleaseMemory()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private static async Task<DbtProject> ReadProjectAsync(ArtifactUpload upload, ReadLimits readLimits, CancellationToken cancellationToken)
    {
        try
        {
            return await ManifestReader.ReadAsync(upload.Manifest!, upload.Catalog, readLimits, cancellationToken);
        }
        catch (ArtifactBudgetExceededException ex)
        {
            throw ApiErrors.Create(StatusCode.ResourceExhausted, ErrorReason.ProjectTooLarge, ex.Message, new Dictionary<string, string>
            {
                ["artifact"] = ex.Artifact,
                ["budget"] = ex.Budget,
                ["limit"] = ex.Limit.ToString(CultureInfo.InvariantCulture),
            });
        }
        catch (ArtifactFormatException ex)
        {
            var isCatalog = ex.Artifact == "catalog.json";
            var metadata = new Dictionary<string, string> { ["artifact"] = ex.Artifact };
            if (ex.Line is { } line)
            {
                metadata["line"] = line.ToString(CultureInfo.InvariantCulture);
            }

            if (ex.ByteOffset is { } offset)
            {
                metadata["byte_offset"] = offset.ToString(CultureInfo.InvariantCulture);
            }

            throw ApiErrors.Create(StatusCode.InvalidArgument, isCatalog ? ErrorReason.CatalogInvalid : ErrorReason.ManifestInvalid, ex.Message, metadata,
                [new FieldViolation(isCatalog ? "catalog_chunk" : "manifest_chunk", ex.Message)]);
        }
    }
}
