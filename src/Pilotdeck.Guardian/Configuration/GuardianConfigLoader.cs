using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Pilotdeck.Guardian.Configuration;

/// <summary>Reads <c>guardian.yml</c>.</summary>
public static class GuardianConfigLoader
{
    /// <summary>The file name looked for in the dbt project root.</summary>
    public const string FileName = "guardian.yml";

    /// <summary>Parses the YAML text of a <c>guardian.yml</c>; keys are snake_case (<c>include_packages</c>, <c>primary_key</c>).</summary>
    /// <exception cref="GuardianConfigException">Unknown key, wrong type or invalid priority, with the line.</exception>
    public static GuardianOptions Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .Build();
        ConfigFile file;
        try
        {
            file = deserializer.Deserialize<ConfigFile?>(yaml) ?? new ConfigFile();
        }
        catch (YamlException ex)
        {
            var reason = (ex.InnerException ?? ex).Message;
            throw new GuardianConfigException($"{FileName} line {ex.Start.Line}: {reason}", ex);
        }
        return Overlay(file);
    }

    // The file only names what it changes; everything else keeps the built-in default.
    private static GuardianOptions Overlay(ConfigFile file)
    {
        var options = new GuardianOptions
        {
            Include = file.Include ?? [],
            Exclude = file.Exclude ?? [],
            IncludePackages = file.IncludePackages ?? false,
            Priority = CheckPriority("priority", file.Priority ?? 5),
            Ignore = new IgnoreOptions { Models = file.Ignore?.Models ?? [], Columns = file.Ignore?.Columns ?? [] },
        };
        var rules = options.Rules;
        foreach (var (name, change) in file.Rules ?? [])
        {
            var rule = name switch
            {
                "primary_key" => rules.PrimaryKey,
                "foreign_key" => rules.ForeignKey,
                "accepted_values" => rules.AcceptedValues,
                "timestamp" => rules.Timestamp,
                "other" => rules.Other,
                _ => throw new GuardianConfigException($"{FileName}: unknown rule '{name}' (known: primary_key, foreign_key, accepted_values, timestamp, other)."),
            };
            rule.Enabled = change.Enabled ?? rule.Enabled;
            rule.Priority = CheckPriority($"rules.{name}.priority", change.Priority ?? rule.Priority);
            rule.Patterns = change.Patterns ?? rule.Patterns;
            rule.Types = change.Types ?? rule.Types;
        }
        return options;
    }

    private static int CheckPriority(string key, int value) =>
        value is >= 1 and <= 5 ? value : throw new GuardianConfigException($"{FileName}: {key} must be 1–5, not {value}.");

    private sealed class ConfigFile
    {
        public int? Priority { get; set; }
        public List<string>? Include { get; set; }
        public List<string>? Exclude { get; set; }
        public bool? IncludePackages { get; set; }
        public IgnoreSection? Ignore { get; set; }
        public Dictionary<string, RuleSection>? Rules { get; set; }
    }

    private sealed class IgnoreSection
    {
        public List<string>? Models { get; set; }
        public List<string>? Columns { get; set; }
    }

    private sealed class RuleSection
    {
        public bool? Enabled { get; set; }
        public int? Priority { get; set; }
        public List<string>? Patterns { get; set; }
        public List<string>? Types { get; set; }
    }
}

/// <summary><c>guardian.yml</c> is invalid.</summary>
public sealed class GuardianConfigException(string message, Exception? inner = null) : Exception(message, inner);
