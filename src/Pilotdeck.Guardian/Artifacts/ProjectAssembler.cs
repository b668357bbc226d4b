using System.Security.Cryptography;
using System.Text;

namespace Pilotdeck.Guardian.Artifacts;

/// <summary>
/// Links what <see cref="ManifestSink"/> collected into a <see cref="DbtProject"/>: declared and
/// warehouse columns merged, tests attached to the resources and columns they check, unit tests
/// to their models, and the root project named.
/// </summary>
internal static class ProjectAssembler
{
    public static DbtProject Build(ManifestSink sink, CatalogSink? catalog)
    {
        var warnings = new List<string>();
        if (sink.Info.SchemaVersion > ManifestReader.NewestKnownSchemaVersion)
        {
            warnings.Add($"manifest schema v{sink.Info.SchemaVersion} is newer than the newest Guardian knows (v{ManifestReader.NewestKnownSchemaVersion}); it was read leniently and unknown fields were ignored.");
        }
        var byId = new Dictionary<string, DbtResource>(sink.Resources.Count, StringComparer.Ordinal);
        foreach (var resource in sink.Resources)
        {
            byId.TryAdd(resource.UniqueId, resource);
        }
        foreach (var (resource, name, dataType) in sink.Declared)
        {
            var column = resource.GetOrAddColumn(name);
            column.Declared = true;
            column.DataType ??= dataType;
        }

        var hasCatalog = catalog is not null && MergeCatalog(catalog, byId, warnings);
        var tests = AttachTests(sink, byId);
        var unitTests = AttachUnitTests(sink, byId);
        var info = sink.Info with { ProjectName = sink.Info.ProjectName ?? InferProjectName(sink) };
        return new DbtProject
        {
            Manifest = info,
            Resources = sink.Resources,
            Tests = tests,
            UnitTests = unitTests,
            HasCatalog = hasCatalog,
            InstalledPackages = sink.MacroPackages
                .Concat(tests.Select(t => t.Namespace).OfType<string>())
                .Concat(sink.Resources.Select(r => r.PackageName))
                .ToHashSet(StringComparer.Ordinal),
            Warnings = warnings,
            ById = byId,
        };
    }

    private static bool MergeCatalog(CatalogSink catalog, Dictionary<string, DbtResource> byId, List<string> warnings)
    {
        var matched = catalog.Tables.Count(t => byId.ContainsKey(t.UniqueId));
        if (catalog.Tables.Count > 0 && matched == 0)
        {
            warnings.Add($"catalog.json does not belong to this manifest: none of its {catalog.Tables.Count} tables are in the manifest, so it was ignored. Run `dbt docs generate` in this project to refresh it.");
            return false;
        }
        if (matched < catalog.Tables.Count)
        {
            warnings.Add($"catalog.json lists {catalog.Tables.Count - matched} of {catalog.Tables.Count} tables that are not in the manifest; it may be stale (`dbt docs generate` refreshes it).");
        }
        foreach (var table in catalog.Tables)
        {
            if (!byId.TryGetValue(table.UniqueId, out var resource))
            {
                continue;
            }
            foreach (var (name, type) in table.Columns)
            {
                var column = resource.GetOrAddColumn(name);
                column.InWarehouse = true;
                column.WarehouseType = type;
                column.DataType ??= type;
            }
        }
        return true;
    }

    private static List<DbtTest> AttachTests(ManifestSink sink, Dictionary<string, DbtResource> byId)
    {
        var tests = new List<DbtTest>(sink.Tests.Count);
        foreach (var (test, attachedNode, dependsOn) in sink.Tests)
        {
            test.AttachedTo = Owners(test, attachedNode, dependsOn, byId);
            foreach (var owner in test.AttachedTo)
            {
                var resource = byId[owner];
                resource.Tests.Add(test);
                foreach (var columnKey in test.Columns.Count > 0 ? test.Columns : ColumnsInExpression(test, resource))
                {
                    // A column_name that is an expression ("a || b") is a model-level check, not a column.
                    var column = resource.FindColumn(columnKey) ?? (ColumnName.IsIdentifier(columnKey) ? resource.GetOrAddColumn(columnKey) : null);
                    if (column is not null)
                    {
                        column.Tests.Add(test);
                    }
                }
            }
            tests.Add(test);
        }
        return tests;
    }

    // A model-level expression_is_true ("amount >= 0") tests the columns it names; only known columns count,
    // so SQL keywords and functions in the expression are never mistaken for columns.
    private static IEnumerable<string> ColumnsInExpression(DbtTest test, DbtResource resource) =>
        test.Arguments.GetValueOrDefault("expression") is string expression
            ? SqlShape.Identifiers(expression).Where(id => resource.FindColumn(id) is not null).Distinct(StringComparer.Ordinal)
            : [];

    private static string[] Owners(DbtTest test, string? attachedNode, List<string> dependsOn, Dictionary<string, DbtResource> byId)
    {
        if (attachedNode is not null)
        {
            return byId.ContainsKey(attachedNode) ? [attachedNode] : [];
        }
        var resources = dependsOn.Where(byId.ContainsKey).ToArray();
        if (resources.Length <= 1 || test.IsSingular)
        {
            // A singular test checks every model it selects from.
            return resources;
        }
        // Before attached_node (schema < v9, and source tests) dbt lists the relationships
        // target first and the tested model last.
        return [resources[^1]];
    }

    private static List<DbtUnitTest> AttachUnitTests(ManifestSink sink, Dictionary<string, DbtResource> byId)
    {
        var unitTests = new List<DbtUnitTest>(sink.UnitTests.Count);
        foreach (var (id, name, model, dependsOn) in sink.UnitTests)
        {
            var modelId = dependsOn.FirstOrDefault(d => byId.TryGetValue(d, out var r) && (model is null || string.Equals(r.Name, model, StringComparison.OrdinalIgnoreCase)))
                          ?? dependsOn.FirstOrDefault(byId.ContainsKey);
            if (modelId is null)
            {
                continue;
            }
            var unitTest = new DbtUnitTest(id, name, modelId);
            byId[modelId].UnitTests.Add(unitTest);
            unitTests.Add(unitTest);
        }
        return unitTests;
    }

    private static string? InferProjectName(ManifestSink sink)
    {
        var packages = sink.Resources.Select(r => r.PackageName).Distinct(StringComparer.Ordinal).ToArray();
        if (sink.ProjectId is not null)
        {
            // dbt's project_id is the MD5 of the root project name.
            var match = packages.FirstOrDefault(p =>
                Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(p))) == sink.ProjectId);
            if (match is not null)
            {
                return match;
            }
        }
        return sink.Resources.FirstOrDefault(r => r.ResourceType == DbtResourceType.Model)?.PackageName;
    }
}
