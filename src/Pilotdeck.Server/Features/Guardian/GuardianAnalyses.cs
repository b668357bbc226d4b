using System.IO.Compression;
using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Guardian;
using Pilotdeck.Guardian;
using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Generation;

namespace Pilotdeck.Server.Features.Guardian;

/// <summary>schema.yml suggestions generated at one priority threshold.</summary>
internal sealed record SuggestionLevel(int Priority, IReadOnlyList<SuggestedFile> Files, IReadOnlyList<string> Warnings);

/// <summary>One suggested file; <paramref name="ExistingFile"/> when the model already has YAML at that path.</summary>
internal sealed record SuggestedFile(string Path, string Content, int TestsAdded, bool ExistingFile);

/// <summary>
/// Turns a library analysis into the stored row and back. Suggestions are generated while the
/// project is still in memory, because the server keeps no manifest to regenerate them from.
/// </summary>
public sealed class GuardianAnalyses
{
    // Compact: the stored JSON is never read by people, and indentation only costs compression time.
    private static readonly JsonSerializerOptions StorageJson = new(GuardianJson.Options) { WriteIndented = false };

    /// <summary>Every column except the two blobs, for listing history without reading results.</summary>
    internal static readonly Expression<Func<GuardianAnalysisRecord, GuardianAnalysisRecord>> WithoutBlobs = a => new GuardianAnalysisRecord
    {
        Id = a.Id,
        TenantId = a.TenantId,
        ProjectName = a.ProjectName,
        CreatedAt = a.CreatedAt,
        DbtVersion = a.DbtVersion,
        PriorityThreshold = a.PriorityThreshold,
        ColumnsCovered = a.ColumnsCovered,
        ColumnsTotal = a.ColumnsTotal,
        ColumnCoveragePercent = a.ColumnCoveragePercent,
        ModelsCovered = a.ModelsCovered,
        ModelsTotal = a.ModelsTotal,
        ModelCoveragePercent = a.ModelCoveragePercent,
        PrimaryKeysCovered = a.PrimaryKeysCovered,
        PrimaryKeysTotal = a.PrimaryKeysTotal,
        PrimaryKeyCoveragePercent = a.PrimaryKeyCoveragePercent,
        UnitTestsCovered = a.UnitTestsCovered,
        UnitTestsTotal = a.UnitTestsTotal,
        UnitTestCoveragePercent = a.UnitTestCoveragePercent,
        GapCount = a.GapCount,
        HasCatalog = a.HasCatalog,
        ResultJson = Array.Empty<byte>(),
        Suggestions = Array.Empty<byte>(),
    };

    private readonly PilotdeckDbContext _db;
    private readonly TimeProvider _time;

    public GuardianAnalyses(PilotdeckDbContext db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    /// <summary>Builds the row (CPU-heavy for large projects: generation and compression), without saving it.</summary>
    internal GuardianAnalysisRecord Prepare(string projectName, DbtProject project, GuardianAnalysis analysis, int priorityThreshold)
    {
        var now = _time.GetUtcNow();
        // Whole milliseconds: SQLite keeps 0.1 ms and PostgreSQL 1 µs, so a finer value would come
        // back different from what the create returned, and page tokens would not match rows.
        var created = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        var coverage = analysis.Coverage;
        return new GuardianAnalysisRecord
        {
            Id = Guid.CreateVersion7(created).ToString("N"),
            ProjectName = projectName,
            CreatedAt = created,
            DbtVersion = analysis.Project.DbtVersion,
            PriorityThreshold = priorityThreshold,
            ColumnsCovered = coverage.Columns.Covered,
            ColumnsTotal = coverage.Columns.Total,
            ColumnCoveragePercent = coverage.Columns.Percent,
            ModelsCovered = coverage.Models.Covered,
            ModelsTotal = coverage.Models.Total,
            ModelCoveragePercent = coverage.Models.Percent,
            PrimaryKeysCovered = coverage.PrimaryKeys.Covered,
            PrimaryKeysTotal = coverage.PrimaryKeys.Total,
            PrimaryKeyCoveragePercent = coverage.PrimaryKeys.Percent,
            UnitTestsCovered = coverage.UnitTests.Covered,
            UnitTestsTotal = coverage.UnitTests.Total,
            UnitTestCoveragePercent = coverage.UnitTests.Percent,
            GapCount = analysis.Gaps.Count,
            HasCatalog = analysis.Project.HasCatalog,
            ResultJson = Compress(analysis),
            Suggestions = Compress(GenerateSuggestions(project, analysis, priorityThreshold)),
        };
    }

    internal async Task SaveAsync(GuardianAnalysisRecord analysis, CancellationToken cancellationToken)
    {
        _db.GuardianAnalyses.Add(analysis);
        await _db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The caller's tenant's analysis, or null (also for another tenant's id).</summary>
    internal Task<GuardianAnalysisRecord?> FindAsync(string id, CancellationToken cancellationToken) =>
        _db.GuardianAnalyses.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);

    internal IQueryable<GuardianAnalysisRecord> Summaries() => _db.GuardianAnalyses.AsNoTracking();

    internal static GuardianAnalysis ReadResult(GuardianAnalysisRecord stored) =>
        Decompress<GuardianAnalysis>(stored.ResultJson) ?? throw new InvalidDataException($"Analysis {stored.Id} has no stored result.");

    internal static IReadOnlyList<SuggestionLevel> ReadSuggestions(GuardianAnalysisRecord stored) =>
        Decompress<List<SuggestionLevel>>(stored.Suggestions) ?? [];

    /// <summary>
    /// One generation per priority that has gaps, so any threshold can be answered later exactly as
    /// the CLI would: generating at threshold p is the stored level with the highest priority ≤ p.
    /// </summary>
    private static List<SuggestionLevel> GenerateSuggestions(DbtProject project, GuardianAnalysis analysis, int priorityThreshold)
    {
        var levels = new List<SuggestionLevel>();
        for (var priority = 1; priority <= priorityThreshold; priority++)
        {
            if (!analysis.Gaps.Any(g => g.Priority == priority))
            {
                continue;
            }

            var result = TestGenerator.Generate(project, analysis.Gaps, priority, NoProjectFiles.Instance);
            levels.Add(new SuggestionLevel(
                priority,
                result.Files.Select(f => new SuggestedFile(f.Path, f.Content, f.TestsAdded, f.OriginalUnread)).ToArray(),
                result.Warnings));
        }

        return levels;
    }

    private static byte[] Compress<T>(T value)
    {
        using var buffer = new MemoryStream();
        using (var brotli = new BrotliStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            JsonSerializer.Serialize(brotli, value, StorageJson);
        }

        return buffer.ToArray();
    }

    private static T? Decompress<T>(byte[] data)
    {
        using var brotli = new BrotliStream(new MemoryStream(data), CompressionMode.Decompress);
        return JsonSerializer.Deserialize<T>(brotli, StorageJson);
    }

    /// <summary>The server holds none of the project's YAML, so every suggestion is written as a new document.</summary>
    private sealed class NoProjectFiles : IProjectFiles
    {
        public static readonly NoProjectFiles Instance = new();

        public string? ReadText(string relativePath) => null;
    }
}
