namespace Pilotdeck.Guardian.Configuration;

/// <summary>What to analyze and how gaps are ranked. Loaded from <c>guardian.yml</c> or built in code.</summary>
public sealed class GuardianOptions
{
    /// <summary>Path filters on the resource's file: a prefix (<c>models/marts</c>) or a glob (<c>models/**/fct_*.sql</c>). Empty includes everything.</summary>
    public List<string> Include { get; set; } = [];

    /// <summary>Path filters that remove resources after <see cref="Include"/>. Default: none.</summary>
    public List<string> Exclude { get; set; } = [];

    /// <summary>Also measure resources of installed packages. Default false: only the root project is the team's to test.</summary>
    public bool IncludePackages { get; set; }

    /// <summary>Lowest priority (highest number, 1–5) of gaps to report. Default 5 (all).</summary>
    public int Priority { get; set; } = 5;

    /// <summary>Models and columns never reported as gaps.</summary>
    public IgnoreOptions Ignore { get; set; } = new();

    /// <summary>The gap rules; each can be re-prioritized, re-patterned or disabled.</summary>
    public GapRuleSet Rules { get; set; } = new();
}

/// <summary>Things Guardian should not suggest tests for.</summary>
public sealed class IgnoreOptions
{
    /// <summary>Model name globs (<c>metricflow_time_spine</c>, <c>tmp_*</c>). Default: none.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Column globs, either <c>column</c> or <c>model.column</c> (<c>*._fivetran_synced</c>). Default: none.</summary>
    public List<string> Columns { get; set; } = [];
}

/// <summary>The five built-in gap rules.</summary>
public sealed class GapRuleSet
{
    /// <summary>Primary-key-like columns → unique + not_null. Patterns may use <c>{model}</c>, the singular entity name of the model (<c>orders</c> → <c>order</c>).</summary>
    public GapRule PrimaryKey { get; set; } = new() { Priority = 1, Patterns = ["id", "{model}_id", "{model}_key", "{model}_uuid", "{model}_pk"] };

    /// <summary>Foreign keys → relationships to the model whose primary key the column names.</summary>
    public GapRule ForeignKey { get; set; } = new() { Priority = 2, Patterns = ["*_id"] };

    /// <summary>Status/type/category columns → accepted_values.</summary>
    public GapRule AcceptedValues { get; set; } = new() { Priority = 3, Patterns = ["status", "*_status", "type", "*_type", "category", "*_category", "kind", "*_kind"] };

    /// <summary>Timestamps → not_null. <see cref="GapRule.Types"/> match warehouse types from the catalog.</summary>
    public GapRule Timestamp { get; set; } = new() { Priority = 4, Patterns = ["*_at", "*_date"], Types = ["timestamp*", "date", "datetime*"] };

    /// <summary>Any other untested column → not_null.</summary>
    public GapRule Other { get; set; } = new() { Priority = 5, Patterns = ["*"] };
}

/// <summary>One gap rule.</summary>
public sealed class GapRule
{
    /// <summary>False turns the rule off. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>1 (most important) … 5.</summary>
    public int Priority { get; set; }

    /// <summary>Case-insensitive column name globs.</summary>
    public List<string> Patterns { get; set; } = [];

    /// <summary>Case-insensitive data type globs (timestamps only). Default: none.</summary>
    public List<string> Types { get; set; } = [];
}
