namespace Pilotdeck.Guardian.Gaps;

/// <summary>A missing test worth adding.</summary>
/// <param name="ModelId">dbt unique id of the model or source table.</param>
/// <param name="Model">Model name, or <c>source.table</c> for a source table.</param>
/// <param name="Column">Column name (unquoted, as spelled in the project).</param>
/// <param name="Test">Generic test to add: <c>unique</c>, <c>not_null</c>, <c>relationships</c>, <c>accepted_values</c> or a namespaced test learned from the project.</param>
/// <param name="Arguments">Test arguments (<c>to</c>/<c>field</c>, <c>values</c>, …); in an incomplete gap, values starting <c>FILL_IN_</c> mark what to fill in.</param>
/// <param name="Priority">1 (primary keys) … 5 (other columns).</param>
/// <param name="Rule">The rule that found it: primary_key, foreign_key, accepted_values, timestamp or other.</param>
/// <param name="Rationale">One line saying why the test matters.</param>
/// <param name="LearnedFrom">The model whose existing test this copies, when the project already tests the pattern.</param>
/// <param name="FillIn">Null when the test can be written as is; otherwise what the engineer must fill in. Incomplete tests are written as commented YAML so `dbt parse` never sees a placeholder.</param>
/// <param name="ModelLevel">True for a model-level test (a key combination); <paramref name="Column"/> then lists the columns.</param>
public sealed record Gap(
    string ModelId,
    string Model,
    string Column,
    string Test,
    IReadOnlyDictionary<string, object?> Arguments,
    int Priority,
    string Rule,
    string Rationale,
    string? LearnedFrom = null,
    string? FillIn = null,
    bool ModelLevel = false)
{
    /// <summary>Identity used to compare two analyses: model, column and test.</summary>
    public string Key => $"{ModelId}|{Column.ToLowerInvariant()}|{Test}";

    /// <summary>True when the test can be merged as is (nothing to fill in).</summary>
    public bool IsComplete => FillIn is null;
}
