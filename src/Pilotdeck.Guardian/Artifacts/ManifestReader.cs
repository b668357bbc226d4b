using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Pilotdeck.Guardian.Artifacts;

/// <summary>Reads <c>manifest.json</c> (schema v1–v12 and dbt 2.0/Fusion) and optionally <c>catalog.json</c> into a <see cref="DbtProject"/>.</summary>
public static class ManifestReader
{
    /// <summary>The newest manifest schema version whose layout Guardian was checked against.</summary>
    public const int NewestKnownSchemaVersion = 12;

    /// <summary>Reads the artifacts. Unknown fields are ignored; a newer schema loads with a warning.</summary>
    /// <param name="manifest">A readable <c>manifest.json</c> stream; read forward once.</param>
    /// <param name="catalog">An optional <c>catalog.json</c> stream adding warehouse columns and types.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ArtifactFormatException">A file is not JSON, is truncated, or is not a dbt artifact.</exception>
    public static async Task<DbtProject> ReadAsync(Stream manifest, Stream? catalog, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var sink = new ManifestSink();
        await JsonSectionStreamer.ReadAsync(manifest, sink, "manifest.json", cancellationToken).ConfigureAwait(false);
        if (sink.SchemaUrl?.Contains("/manifest/", StringComparison.Ordinal) == false && sink.SchemaUrl.Contains("/dbt/", StringComparison.Ordinal))
        {
            throw new ArtifactFormatException("manifest.json",
                $"The file given as manifest.json is a different dbt artifact ({sink.SchemaUrl}); pass target/manifest.json, which `dbt parse` writes. A catalog.json goes beside it.");
        }
        if (!sink.SawNodes)
        {
            throw new ArtifactFormatException("manifest.json",
                "manifest.json has no \"nodes\" section, so it is not a dbt manifest. Expected the target/manifest.json written by `dbt parse`, `dbt compile` or `dbt build`.");
        }

        CatalogSink? catalogSink = null;
        if (catalog is not null)
        {
            catalogSink = new CatalogSink();
            await JsonSectionStreamer.ReadAsync(catalog, catalogSink, "catalog.json", cancellationToken).ConfigureAwait(false);
        }
        return sink.Build(catalogSink);
    }

    private sealed record PendingTest(DbtTest Test, string? AttachedNode, List<string> DependsOn);

    private sealed class ManifestSink : IJsonSectionSink
    {
        private const int Metadata = 0, Nodes = 1, Sources = 2, UnitTests = 3, Macros = 4;

        private readonly List<DbtResource> _resources = [];
        private readonly List<PendingTest> _tests = [];
        private readonly List<(string Id, string Name, string? Model, List<string> DependsOn)> _unitTests = [];
        private readonly List<(DbtResource Resource, string Name, string? DataType)> _declared = [];
        private ManifestInfo _info = new(null, null, null, null, null);
        private readonly HashSet<string> _packages = new(StringComparer.Ordinal);
        private string? _projectId;

        public bool SawNodes { get; private set; }

        public string? SchemaUrl { get; private set; }

        public SectionKind Classify(ref Utf8JsonReader reader, out int section)
        {
            var kind = SectionKind.Entries;
            if (reader.ValueTextEquals("nodes"u8)) section = Nodes;
            else if (reader.ValueTextEquals("sources"u8)) section = Sources;
            else if (reader.ValueTextEquals("unit_tests"u8)) section = UnitTests;
            else if (reader.ValueTextEquals("macros"u8)) section = Macros;
            else if (reader.ValueTextEquals("metadata"u8)) (section, kind) = (Metadata, SectionKind.Whole);
            else (section, kind) = (-1, SectionKind.Skip);
            SawNodes |= section == Nodes;
            return kind;
        }

        public void OnValue(int section, ReadOnlySpan<byte> json)
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return;
            }
            switch (section)
            {
                case Metadata:
                    ReadMetadata(ref reader);
                    break;
                case Nodes:
                case Sources:
                    ReadNode(ref reader);
                    break;
                case UnitTests:
                    ReadUnitTest(ref reader);
                    break;
                case Macros:
                    ReadMacroPackage(ref reader);
                    break;
            }
        }

        private void ReadMetadata(ref Utf8JsonReader reader)
        {
            string? version = null, project = null, adapter = null, generated = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("dbt_schema_version"u8)) SchemaUrl = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("dbt_version"u8)) version = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("project_name"u8)) project = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("project_id"u8)) _projectId = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("adapter_type"u8)) adapter = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("generated_at"u8)) generated = JsonValues.ReadString(ref reader);
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            _info = new ManifestInfo(
                ParseSchemaVersion(SchemaUrl), version, project, adapter,
                DateTimeOffset.TryParse(generated, out var at) ? at : null);
        }

        private static int? ParseSchemaVersion(string? url)
        {
            // https://schemas.getdbt.com/dbt/manifest/v12.json
            if (url is null)
            {
                return null;
            }
            var slash = url.LastIndexOf("/v", StringComparison.Ordinal);
            if (slash < 0)
            {
                return null;
            }
            var digits = new string(url[(slash + 2)..].TakeWhile(char.IsAsciiDigit).ToArray());
            return int.TryParse(digits, out var v) ? v : null;
        }

        private void ReadNode(ref Utf8JsonReader reader)
        {
            string? uniqueId = null, name = null, resourceType = null, package = null, path = null, patchPath = null;
            string? sourceName = null, attachedNode = null, topColumnName = null, testName = null, testNamespace = null;
            var config = new NodeFieldReader.NodeConfig(true, null, []);
            var filtered = false;
            List<string> dependsOn = [], primaryKey = [], pkConstraint = [];
            List<(string Name, string? DataType, bool PrimaryKey)> columns = [];
            Dictionary<string, object?>? kwargs = null;

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("unique_id"u8)) uniqueId = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("name"u8)) name = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("resource_type"u8)) resourceType = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("package_name"u8)) package = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("original_file_path"u8)) path = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("patch_path"u8)) patchPath = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("source_name"u8)) sourceName = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("attached_node"u8)) attachedNode = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("column_name"u8)) topColumnName = JsonValues.ReadStringOrList(ref reader).FirstOrDefault();
                else if (reader.ValueTextEquals("primary_key"u8)) primaryKey = JsonValues.ReadStringOrList(ref reader);
                else if (reader.ValueTextEquals("config"u8)) config = NodeFieldReader.ReadConfig(ref reader);
                else if (reader.ValueTextEquals("raw_code"u8) || reader.ValueTextEquals("raw_sql"u8)) filtered = SqlShape.IsFiltered(JsonValues.ReadString(ref reader));
                else if (reader.ValueTextEquals("depends_on"u8)) dependsOn = NodeFieldReader.ReadDependsOn(ref reader);
                else if (reader.ValueTextEquals("columns"u8)) columns = NodeFieldReader.ReadColumns(ref reader);
                else if (reader.ValueTextEquals("constraints"u8)) pkConstraint = NodeFieldReader.ReadPrimaryKeyConstraint(ref reader);
                else if (reader.ValueTextEquals("test_metadata"u8)) (testName, testNamespace, kwargs) = NodeFieldReader.ReadTestMetadata(ref reader);
                else
                {
                    // compiled_code, docs, … are skipped without materializing them.
                    reader.Read();
                    reader.Skip();
                }
            }

            if (uniqueId is null || resourceType is null)
            {
                return;
            }
            if (resourceType == "test")
            {
                if (config.Enabled)
                {
                    _tests.Add(new PendingTest(NodeFieldReader.BuildTest(uniqueId, testName, testNamespace, kwargs, topColumnName), attachedNode, dependsOn));
                }
                return;
            }

            DbtResourceType type;
            switch (resourceType)
            {
                case "model": type = DbtResourceType.Model; break;
                case "source": type = DbtResourceType.Source; break;
                case "seed": type = DbtResourceType.Seed; break;
                case "snapshot": type = DbtResourceType.Snapshot; break;
                default: return;
            }
            if (!config.Enabled)
            {
                return;
            }

            pkConstraint.AddRange(columns.Where(c => c.PrimaryKey).Select(c => c.Name));
            var resource = new DbtResource
            {
                UniqueId = uniqueId,
                Name = name ?? uniqueId,
                PackageName = package ?? "",
                ResourceType = type,
                OriginalFilePath = (path ?? "").Replace('\\', '/'),
                PatchPath = StripPackagePrefix(patchPath),
                SourceName = sourceName,
                InferredPrimaryKey = primaryKey.Select(ColumnName.Normalize).ToArray(),
                PrimaryKeyConstraint = pkConstraint.Select(ColumnName.Normalize).Distinct().ToArray(),
                UniqueKey = UniqueKeyColumns(config.UniqueKey),
                Materialized = config.Materialized,
                IsFiltered = filtered,
                DependsOn = dependsOn,
            };
            foreach (var (columnName, dataType, _) in columns)
            {
                _declared.Add((resource, columnName, dataType));
            }
            _resources.Add(resource);
        }

        // unique_key may be "id", ["a", "b"] or an expression ("a || '-' || b") that names no single column.
        private static string[] UniqueKeyColumns(List<string> uniqueKey) =>
            uniqueKey.Any(k => !ColumnName.IsIdentifier(k)) ? [] : uniqueKey.Select(ColumnName.Normalize).Distinct().ToArray();

        private static string? StripPackagePrefix(string? patchPath)
        {
            if (string.IsNullOrEmpty(patchPath))
            {
                return null;
            }
            var marker = patchPath.IndexOf("://", StringComparison.Ordinal);
            return (marker < 0 ? patchPath : patchPath[(marker + 3)..]).Replace('\\', '/');
        }


        // Macros show which packages are installed even when none of their tests is used yet.
        private void ReadMacroPackage(ref Utf8JsonReader reader)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("package_name"u8) && JsonValues.ReadString(ref reader) is { } package)
                {
                    _packages.Add(package);
                    return;
                }
                reader.Read();
                reader.Skip();
            }
        }

        private void ReadUnitTest(ref Utf8JsonReader reader)
        {
            string? uniqueId = null, name = null, model = null;
            List<string> dependsOn = [];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("unique_id"u8)) uniqueId = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("name"u8)) name = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("model"u8)) model = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("depends_on"u8)) dependsOn = NodeFieldReader.ReadDependsOn(ref reader);
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (uniqueId is not null)
            {
                _unitTests.Add((uniqueId, name ?? uniqueId, model, dependsOn));
            }
        }

        public DbtProject Build(CatalogSink? catalog)
        {
            var warnings = new List<string>();
            if (_info.SchemaVersion > NewestKnownSchemaVersion)
            {
                warnings.Add($"manifest schema v{_info.SchemaVersion} is newer than the newest Guardian knows (v{NewestKnownSchemaVersion}); it was read leniently and unknown fields were ignored.");
            }
            var byId = new Dictionary<string, DbtResource>(_resources.Count, StringComparer.Ordinal);
            foreach (var resource in _resources)
            {
                byId.TryAdd(resource.UniqueId, resource);
            }
            foreach (var (resource, name, dataType) in _declared)
            {
                var column = resource.GetOrAddColumn(name);
                column.Declared = true;
                column.DataType ??= dataType;
            }

            var hasCatalog = catalog is not null && MergeCatalog(catalog, byId, warnings);
            var tests = AttachTests(byId);
            var unitTests = AttachUnitTests(byId);
            var info = _info with { ProjectName = _info.ProjectName ?? InferProjectName() };
            return new DbtProject
            {
                Manifest = info,
                Resources = _resources,
                Tests = tests,
                UnitTests = unitTests,
                HasCatalog = hasCatalog,
                InstalledPackages = _packages
                    .Concat(tests.Select(t => t.Namespace).OfType<string>())
                    .Concat(_resources.Select(r => r.PackageName))
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

        private List<DbtTest> AttachTests(Dictionary<string, DbtResource> byId)
        {
            var tests = new List<DbtTest>(_tests.Count);
            foreach (var (test, attachedNode, dependsOn) in _tests)
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

        private List<DbtUnitTest> AttachUnitTests(Dictionary<string, DbtResource> byId)
        {
            var unitTests = new List<DbtUnitTest>(_unitTests.Count);
            foreach (var (id, name, model, dependsOn) in _unitTests)
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

        private string? InferProjectName()
        {
            var packages = _resources.Select(r => r.PackageName).Distinct(StringComparer.Ordinal).ToArray();
            if (_projectId is not null)
            {
                // dbt's project_id is the MD5 of the root project name.
                var match = packages.FirstOrDefault(p =>
                    Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(p))) == _projectId);
                if (match is not null)
                {
                    return match;
                }
            }
            return _resources.FirstOrDefault(r => r.ResourceType == DbtResourceType.Model)?.PackageName;
        }
    }
}
