namespace Pilotdeck.Guardian.Artifacts;

/// <summary>The kinds of dbt resources Guardian measures.</summary>
public enum DbtResourceType
{
    /// <summary>A model (<c>model.*</c>).</summary>
    Model,
    /// <summary>A source table (<c>source.*</c>).</summary>
    Source,
    /// <summary>A seed (<c>seed.*</c>).</summary>
    Seed,
    /// <summary>A snapshot (<c>snapshot.*</c>).</summary>
    Snapshot,
}

/// <summary>What the manifest says about the dbt run that produced it.</summary>
/// <param name="SchemaVersion">Manifest schema version (1–12 today); null when the URL is missing or unparseable.</param>
/// <param name="DbtVersion">The <c>dbt_version</c> string, e.g. <c>1.10.13</c>.</param>
/// <param name="ProjectName">Root project name: <c>metadata.project_name</c>, or inferred from <c>project_id</c>.</param>
/// <param name="AdapterType">Warehouse adapter, e.g. <c>duckdb</c>.</param>
/// <param name="GeneratedAt">When dbt wrote the manifest.</param>
public sealed record ManifestInfo(
    int? SchemaVersion,
    string? DbtVersion,
    string? ProjectName,
    string? AdapterType,
    DateTimeOffset? GeneratedAt)
{
    /// <summary>Major.minor of <see cref="DbtVersion"/>; dbt 2.0/Fusion parses as 2.0. Null when unknown.</summary>
    public Version? DbtRelease => ParseRelease(DbtVersion);

    internal static Version? ParseRelease(string? dbtVersion)
    {
        if (string.IsNullOrEmpty(dbtVersion))
        {
            return null;
        }
        var parts = dbtVersion.Split('.');
        if (parts.Length < 2 || !int.TryParse(parts[0], out var major))
        {
            return null;
        }
        var minorDigits = new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(minorDigits, out var minor) ? new Version(major, minor) : null;
    }
}

/// <summary>A model, source, seed or snapshot with its columns and the tests attached to it.</summary>
public sealed class DbtResource
{
    private readonly Dictionary<string, DbtColumn> _columnsByKey = new(StringComparer.Ordinal);
    private readonly List<DbtColumn> _columns = [];

    /// <summary>dbt unique id, e.g. <c>model.jaffle_shop.orders</c>.</summary>
    public required string UniqueId { get; init; }

    /// <summary>Resource name as written in the project.</summary>
    public required string Name { get; init; }

    /// <summary>The package (project) the resource belongs to.</summary>
    public required string PackageName { get; init; }

    /// <summary>Model, source, seed or snapshot.</summary>
    public required DbtResourceType ResourceType { get; init; }

    /// <summary>Path of the defining file relative to the project root (SQL, CSV or, for sources, YAML).</summary>
    public required string OriginalFilePath { get; init; }

    /// <summary>Project-relative path of the YAML that describes the resource, without the <c>package://</c> prefix; null when there is none.</summary>
    public string? PatchPath { get; init; }

    /// <summary>For sources: the source name (the first half of <c>source('a', 'b')</c>).</summary>
    public string? SourceName { get; init; }

    /// <summary>Normalized primary key columns dbt ≥ 1.9 inferred (<c>primary_key</c>); empty otherwise.</summary>
    public IReadOnlyList<string> InferredPrimaryKey { get; init; } = [];

    /// <summary>Normalized columns of a <c>primary_key</c> constraint (model- or column-level); empty when none.</summary>
    public IReadOnlyList<string> PrimaryKeyConstraint { get; init; } = [];

    /// <summary>Normalized columns of the incremental <c>unique_key</c> config (string or list); empty when none or an expression.</summary>
    public IReadOnlyList<string> UniqueKey { get; init; } = [];

    /// <summary>The <c>materialized</c> config (<c>table</c>, <c>incremental</c>, …); null when not set.</summary>
    public string? Materialized { get; init; }

    /// <summary>True when the model's SQL filters rows (WHERE, QUALIFY, HAVING, LIMIT), so it may hold only some keys.</summary>
    public bool IsFiltered { get; init; }

    /// <summary>Unique ids of the nodes this resource selects from (<c>depends_on.nodes</c>).</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Columns in declaration order, then warehouse-only columns in catalog order.</summary>
    public IReadOnlyList<DbtColumn> Columns => _columns;

    /// <summary>Enabled data tests attached to the resource (column-level and model-level).</summary>
    public List<DbtTest> Tests { get; } = [];

    /// <summary>Unit tests (dbt ≥ 1.8) whose subject is this resource.</summary>
    public List<DbtUnitTest> UnitTests { get; } = [];

    /// <summary>The directory of <see cref="OriginalFilePath"/> with forward slashes.</summary>
    public string Directory
    {
        get
        {
            var slash = OriginalFilePath.LastIndexOf('/');
            return slash < 0 ? "." : OriginalFilePath[..slash];
        }
    }

    /// <summary>Finds a column by any spelling of its name (case, quotes).</summary>
    public DbtColumn? FindColumn(string name) =>
        _columnsByKey.GetValueOrDefault(ColumnName.Normalize(name));

    internal DbtColumn GetOrAddColumn(string name)
    {
        var key = ColumnName.Normalize(name);
        if (!_columnsByKey.TryGetValue(key, out var column))
        {
            column = new DbtColumn { Name = ColumnName.StripQuotes(name), Key = key };
            _columnsByKey.Add(key, column);
            _columns.Add(column);
        }
        return column;
    }
}

/// <summary>A column known from the manifest (declared in YAML) and/or the catalog (present in the warehouse).</summary>
public sealed class DbtColumn
{
    /// <summary>Name without quotes, in the spelling first seen.</summary>
    public required string Name { get; init; }

    /// <summary>Lower-case, unquoted name used for comparisons.</summary>
    public required string Key { get; init; }

    /// <summary>True when declared under <c>columns:</c> in the project's YAML.</summary>
    public bool Declared { get; internal set; }

    /// <summary>True when the catalog lists the column.</summary>
    public bool InWarehouse { get; internal set; }

    /// <summary>The declared <c>data_type</c>, else the warehouse type from the catalog.</summary>
    public string? DataType { get; internal set; }

    /// <summary>The type the catalog reports in the warehouse; null without a catalog.</summary>
    public string? WarehouseType { get; internal set; }

    /// <summary>Enabled tests that cover this column (single- and multi-column).</summary>
    public List<DbtTest> Tests { get; } = [];
}

/// <summary>A data test: generic (<c>test_metadata</c>) or singular (a SQL file).</summary>
public sealed class DbtTest
{
    /// <summary>dbt unique id of the test node.</summary>
    public required string UniqueId { get; init; }

    /// <summary>Generic test name (<c>unique</c>, <c>relationships</c>, …); null for singular tests.</summary>
    public string? TestName { get; init; }

    /// <summary>Macro namespace of a generic test (<c>dbt_utils</c>), null for built-ins.</summary>
    public string? Namespace { get; init; }

    /// <summary>Normalized names of the columns the test covers; empty for model-level tests.</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary>Test arguments other than <c>model</c> and the column names (strings, numbers, booleans, lists, maps).</summary>
    public IReadOnlyDictionary<string, object?> Arguments { get; init; } = new Dictionary<string, object?>();

    /// <summary>The resources this test belongs to, after attachment.</summary>
    public IReadOnlyList<string> AttachedTo { get; internal set; } = [];

    /// <summary>True for singular tests (no <c>test_metadata</c>).</summary>
    public bool IsSingular => TestName is null;

    /// <summary><c>namespace.name</c> for namespaced tests, else the name; null for singular tests.</summary>
    public string? QualifiedName => Namespace is null or "dbt" ? TestName : $"{Namespace}.{TestName}";
}

/// <summary>A dbt unit test (manifest v12 <c>unit_tests</c>).</summary>
/// <param name="UniqueId">Unique id, e.g. <c>unit_test.jaffle_shop.orders.test_x</c>.</param>
/// <param name="Name">Unit test name.</param>
/// <param name="ModelId">The unique id of the model under test.</param>
public sealed record DbtUnitTest(string UniqueId, string Name, string ModelId);

/// <summary>The inventory read from one manifest (and optionally its catalog).</summary>
public sealed class DbtProject
{
    /// <summary>Run metadata from the manifest.</summary>
    public required ManifestInfo Manifest { get; init; }

    /// <summary>Models, sources, seeds and snapshots, in manifest order.</summary>
    public required IReadOnlyList<DbtResource> Resources { get; init; }

    /// <summary>Every enabled data test in the manifest.</summary>
    public required IReadOnlyList<DbtTest> Tests { get; init; }

    /// <summary>Every unit test in the manifest.</summary>
    public required IReadOnlyList<DbtUnitTest> UnitTests { get; init; }

    /// <summary>True when a catalog was read and matched the manifest.</summary>
    public bool HasCatalog { get; init; }

    /// <summary>Things the reader tolerated but the user should know (newer schema, stale catalog, …).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>Packages whose tests or macros the manifest holds (<c>dbt_utils</c>, <c>dbt_expectations</c>, …), so suggestions only use installed ones.</summary>
    public IReadOnlySet<string> InstalledPackages { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Looks a resource up by unique id.</summary>
    public DbtResource? Find(string uniqueId) => ById.GetValueOrDefault(uniqueId);

    internal Dictionary<string, DbtResource> ById { get; init; } = [];
}
