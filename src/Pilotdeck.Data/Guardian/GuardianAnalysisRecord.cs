using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Guardian;

/// <summary>
/// One dbt Guardian analysis kept for a tenant. The headline figures are columns so the coverage
/// history can be listed and charted without decompressing results; the full result and the
/// schema.yml suggestions are compressed blobs read only when one analysis is opened.
/// </summary>
public sealed class GuardianAnalysisRecord : ITenantOwned
{
    public required string Id { get; init; }

    public string TenantId { get; init; } = "";

    /// <summary>The name the analysis is listed under (the uploader's label or the manifest's project).</summary>
    public required string ProjectName { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>dbt version that wrote the manifest, when it says.</summary>
    public string? DbtVersion { get; init; }

    /// <summary>Lowest gap priority (1–5) the analysis kept.</summary>
    public int PriorityThreshold { get; init; }

    public int ColumnsCovered { get; init; }
    public int ColumnsTotal { get; init; }
    public double ColumnCoveragePercent { get; init; }

    public int ModelsCovered { get; init; }
    public int ModelsTotal { get; init; }
    public double ModelCoveragePercent { get; init; }

    public int PrimaryKeysCovered { get; init; }
    public int PrimaryKeysTotal { get; init; }
    public double PrimaryKeyCoveragePercent { get; init; }

    public int UnitTestsCovered { get; init; }
    public int UnitTestsTotal { get; init; }
    public double UnitTestCoveragePercent { get; init; }

    public int GapCount { get; init; }

    /// <summary>
    /// Whether a catalog.json was analysed with the manifest (it adds warehouse-only columns, so
    /// figures with and without one do not compare); null for analyses stored before it was recorded.
    /// </summary>
    public bool? HasCatalog { get; init; }

    /// <summary>The library's analysis as JSON (GuardianJson), Brotli-compressed.</summary>
    public required byte[] ResultJson { get; init; }

    /// <summary>Generated schema.yml suggestions per priority threshold as JSON, Brotli-compressed.</summary>
    public required byte[] Suggestions { get; init; }
}
