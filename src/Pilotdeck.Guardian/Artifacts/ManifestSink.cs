using System.Text.Json;

namespace Pilotdeck.Guardian.Artifacts;

/// <summary>A test node as read, before it is attached to the resources it checks.</summary>
internal sealed record PendingTest(DbtTest Test, string? AttachedNode, List<string> DependsOn);

/// <summary>
/// The streaming pass over manifest.json: keeps what Guardian needs from each node, source, unit
/// test and macro as it goes by. <see cref="ProjectAssembler"/> links the pieces afterwards.
/// </summary>
internal sealed class ManifestSink(ReadBudget budget) : IJsonSectionSink
{
    private const int Metadata = 0, Nodes = 1, Sources = 2, UnitTestSection = 3, Macros = 4;
    private const string Artifact = "manifest.json";

    public List<DbtResource> Resources { get; } = [];
    public List<PendingTest> Tests { get; } = [];
    public List<(string Id, string Name, string? Model, List<string> DependsOn)> UnitTests { get; } = [];
    public List<(DbtResource Resource, string Name, string? DataType)> Declared { get; } = [];
    public ManifestInfo Info { get; private set; } = new(null, null, null, null, null);
    public HashSet<string> MacroPackages { get; } = new(StringComparer.Ordinal);
    public string? ProjectId { get; private set; }

    public bool SawNodes { get; private set; }

    public string? SchemaUrl { get; private set; }

    public SectionKind Classify(ref Utf8JsonReader reader, out int section)
    {
        var kind = SectionKind.Entries;
        if (reader.ValueTextEquals("nodes"u8)) section = Nodes;
        else if (reader.ValueTextEquals("sources"u8)) section = Sources;
        else if (reader.ValueTextEquals("unit_tests"u8)) section = UnitTestSection;
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
                // Counted before parsing, so an oversized manifest stops at the first node over the budget.
                budget.AddNode(Artifact);
                ReadNode(ref reader);
                break;
            case UnitTestSection:
                budget.AddNode(Artifact);
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
            else if (reader.ValueTextEquals("project_id"u8)) ProjectId = JsonValues.ReadString(ref reader);
            else if (reader.ValueTextEquals("adapter_type"u8)) adapter = JsonValues.ReadString(ref reader);
            else if (reader.ValueTextEquals("generated_at"u8)) generated = JsonValues.ReadString(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        Info = new ManifestInfo(
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
            else if (reader.ValueTextEquals("columns"u8))
            {
                columns = NodeFieldReader.ReadColumns(ref reader);
                budget.AddColumns(Artifact, columns.Count);
            }
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
                Tests.Add(new PendingTest(NodeFieldReader.BuildTest(uniqueId, testName, testNamespace, kwargs, topColumnName), attachedNode, dependsOn));
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
            Declared.Add((resource, columnName, dataType));
        }
        Resources.Add(resource);
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
                MacroPackages.Add(package);
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
            UnitTests.Add((uniqueId, name ?? uniqueId, model, dependsOn));
        }
    }
}
