using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pilotdeck.Guardian;

/// <summary>The JSON form of <see cref="GuardianAnalysis"/> used by <c>--format json</c> and <c>--compare</c>.</summary>
public static class GuardianJson
{
    /// <summary>camelCase, indented, nulls omitted.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Serializes an analysis.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Reads an analysis written by <see cref="Serialize{T}"/>.</summary>
    /// <exception cref="JsonException">The text is not an analysis.</exception>
    public static GuardianAnalysis DeserializeAnalysis(string json) =>
        JsonSerializer.Deserialize<GuardianAnalysis>(json, Options) ?? throw new JsonException("The file holds no analysis (null).");
}
