using System.Text.Json;

namespace Pilotdeck.Guardian.Artifacts;

/// <summary>Collects each catalog table's columns and warehouse types; everything else in catalog.json is skipped.</summary>
internal sealed class CatalogSink(ReadBudget budget) : IJsonSectionSink
{
    public List<(string UniqueId, List<(string Name, string? Type)> Columns)> Tables { get; } = [];

    public SectionKind Classify(ref Utf8JsonReader reader, out int section)
    {
        section = 0;
        return reader.ValueTextEquals("nodes"u8) || reader.ValueTextEquals("sources"u8) ? SectionKind.Entries : SectionKind.Skip;
    }

    public void OnValue(int section, ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }
        string? uniqueId = null;
        var columns = new List<(string, string?)>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("unique_id"u8))
            {
                uniqueId = JsonValues.ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("columns"u8))
            {
                if (JsonValues.ReadAny(ref reader) is Dictionary<string, object?> map)
                {
                    budget.AddColumns("catalog.json", map.Count);
                    foreach (var (key, value) in map)
                    {
                        var column = value as Dictionary<string, object?>;
                        columns.Add((column?.GetValueOrDefault("name") as string ?? key, column?.GetValueOrDefault("type") as string));
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (uniqueId is not null)
        {
            Tables.Add((uniqueId, columns));
        }
    }
}
