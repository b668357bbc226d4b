using Pilotdeck.Guardian.Artifacts;

namespace Pilotdeck.Guardian.Gaps;

/// <summary>The model-level test that proves a composite key unique, spelled for a package the project has installed.</summary>
internal static class CompositeKeyTest
{
    public sealed record Choice(string Test, IReadOnlyDictionary<string, object?> Arguments, string Rationale, string? FillIn);

    public static Choice Suggest(DbtResource resource, KeyEvidence key, IReadOnlySet<string> installedPackages)
    {
        var columns = key.Columns.Cast<object?>().ToList();
        var why = $"({string.Join(", ", key.Columns)}) is the composite key of {GapDetector.DisplayName(resource)} ({key.Reason}); duplicate combinations break every join on it";
        if (installedPackages.Contains("dbt_utils"))
        {
            return new("dbt_utils.unique_combination_of_columns", new Dictionary<string, object?> { ["combination_of_columns"] = columns }, why, null);
        }
        if (installedPackages.Contains("dbt_expectations"))
        {
            return new("dbt_expectations.expect_compound_columns_to_be_unique", new Dictionary<string, object?> { ["column_list"] = columns }, why, null);
        }
        // dbt has no built-in combination test; naming an uninstalled macro would fail `dbt parse`.
        return new("dbt_utils.unique_combination_of_columns", new Dictionary<string, object?> { ["combination_of_columns"] = columns }, why,
            "add dbt_utils to packages.yml and run `dbt deps`");
    }
}
