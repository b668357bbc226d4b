using System.Text;
using System.Text.Json;

namespace Pilotdeck.Guardian.Tests.TestSupport;

/// <summary>Writes small synthetic manifests shaped like dbt's, for edge cases the fixtures do not cover.</summary>
internal sealed class ManifestBuilder(string dbtVersion = "1.10.0", int schemaVersion = 12, string project = "shop")
{
    private readonly Dictionary<string, object?> _nodes = [];
    private readonly Dictionary<string, object?> _sources = [];
    private readonly Dictionary<string, object?> _unitTests = [];
    private readonly Dictionary<string, object?> _macros = new() { ["macro.x"] = new { macro_sql = "{% macro x() %}{{ '}' }}{% endmacro %}" } };

    public string Project => project;

    public string ModelId(string name) => $"model.{project}.{name}";

    public ManifestBuilder Model(string name, string[] columns, string directory = "models", string? patchPath = null,
        string[]? primaryKey = null, object[]? constraints = null, string? package = null,
        string[]? dependsOn = null, object? uniqueKey = null, string sql = "select 1 as \"quoted {\" -- }")
    {
        _nodes[ModelId(name)] = new Dictionary<string, object?>
        {
            ["resource_type"] = "model",
            ["unique_id"] = $"model.{package ?? project}.{name}",
            ["name"] = name,
            ["package_name"] = package ?? project,
            ["original_file_path"] = $"{directory}/{name}.sql",
            ["patch_path"] = patchPath is null ? null : $"{project}://{patchPath}",
            ["raw_code"] = sql,
            ["config"] = new Dictionary<string, object?>
            {
                ["enabled"] = true,
                ["materialized"] = uniqueKey is null ? "view" : "incremental",
                ["unique_key"] = uniqueKey,
            },
            ["columns"] = columns.ToDictionary(c => c, c => (object?)new Dictionary<string, object?> { ["name"] = c, ["data_type"] = null, ["meta"] = new { } }),
            ["primary_key"] = primaryKey,
            ["constraints"] = constraints ?? [],
            ["depends_on"] = new { macros = Array.Empty<string>(), nodes = dependsOn ?? [] },
        };
        return this;
    }

    public ManifestBuilder Source(string source, string table, string[] columns)
    {
        var id = $"source.{project}.{source}.{table}";
        _sources[id] = new Dictionary<string, object?>
        {
            ["resource_type"] = "source",
            ["unique_id"] = id,
            ["name"] = table,
            ["source_name"] = source,
            ["package_name"] = project,
            ["original_file_path"] = "models/staging/__sources.yml",
            ["columns"] = columns.ToDictionary(c => c, c => (object?)new Dictionary<string, object?> { ["name"] = c }),
        };
        return this;
    }

    /// <summary>A generic test. <paramref name="columnName"/> may be a string, a list, or null.</summary>
    public ManifestBuilder Test(string name, string testName, string owner, object? columnName,
        Dictionary<string, object?>? kwargs = null, string? testNamespace = null, bool attached = true,
        string[]? dependsOn = null, bool enabled = true)
    {
        var args = new Dictionary<string, object?>(kwargs ?? []) { ["model"] = "{{ get_where_subquery(ref('x')) }}" };
        if (columnName is not null)
        {
            args["column_name"] = columnName;
        }
        _nodes[$"test.{project}.{name}"] = new Dictionary<string, object?>
        {
            ["resource_type"] = "test",
            ["unique_id"] = $"test.{project}.{name}",
            ["name"] = name,
            ["package_name"] = project,
            ["config"] = new { enabled },
            ["column_name"] = columnName is string s ? s : null,
            ["attached_node"] = attached ? owner : null,
            ["depends_on"] = new { nodes = dependsOn ?? [owner] },
            ["test_metadata"] = new Dictionary<string, object?> { ["name"] = testName, ["namespace"] = testNamespace, ["kwargs"] = args },
        };
        return this;
    }

    public ManifestBuilder SingularTest(string name, params string[] dependsOn)
    {
        _nodes[$"test.{project}.{name}"] = new Dictionary<string, object?>
        {
            ["resource_type"] = "test",
            ["unique_id"] = $"test.{project}.{name}",
            ["name"] = name,
            ["config"] = new { enabled = true },
            ["attached_node"] = null,
            ["depends_on"] = new { nodes = dependsOn },
        };
        return this;
    }

    public ManifestBuilder UnitTest(string name, string model)
    {
        var id = $"unit_test.{project}.{model}.{name}";
        _unitTests[id] = new Dictionary<string, object?>
        {
            ["unique_id"] = id,
            ["name"] = name,
            ["model"] = model,
            ["depends_on"] = new { nodes = new[] { ModelId(model) } },
        };
        return this;
    }

    /// <summary>Declares an installed package through one of its macros, as dbt lists them.</summary>
    public ManifestBuilder Package(string package)
    {
        _macros[$"macro.{package}.some_macro"] = new Dictionary<string, object?> { ["package_name"] = package, ["macro_sql"] = "{% macro some_macro() %}{% endmacro %}" };
        return this;
    }

    /// <summary>A catalog.json giving warehouse types: (unique id, [(column, type)]).</summary>
    public static MemoryStream Catalog(params (string UniqueId, (string Column, string Type)[] Columns)[] tables) =>
        new(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["metadata"] = new { dbt_schema_version = "https://schemas.getdbt.com/dbt/catalog/v1.json" },
            ["nodes"] = tables.ToDictionary(t => t.UniqueId, t => (object?)new Dictionary<string, object?>
            {
                ["unique_id"] = t.UniqueId,
                ["columns"] = t.Columns.Select((c, i) => (c, i)).ToDictionary(x => x.c.Column, x => (object?)new { name = x.c.Column, type = x.c.Type, index = x.i }),
            }),
            ["sources"] = new Dictionary<string, object?>(),
        })));

    public string Json() => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["metadata"] = new Dictionary<string, object?>
        {
            ["dbt_schema_version"] = $"https://schemas.getdbt.com/dbt/manifest/v{schemaVersion}.json",
            ["dbt_version"] = dbtVersion,
            ["project_name"] = project,
            ["adapter_type"] = "duckdb",
        },
        ["nodes"] = _nodes,
        ["sources"] = _sources,
        ["macros"] = _macros,
        ["unit_tests"] = _unitTests,
        ["child_map"] = new Dictionary<string, object?>(),
    });

    public MemoryStream Stream() => new(Encoding.UTF8.GetBytes(Json()));

    public Task<Pilotdeck.Guardian.Artifacts.DbtProject> ReadAsync(Stream? catalog = null) => Pilotdeck.Guardian.Artifacts.ManifestReader.ReadAsync(Stream(), catalog);
}
