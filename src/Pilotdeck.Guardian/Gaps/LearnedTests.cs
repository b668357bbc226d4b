using System.Text.Json;
using System.Text.RegularExpressions;
using Pilotdeck.Guardian.Artifacts;

namespace Pilotdeck.Guardian.Gaps;

/// <summary>A column-level test the project already runs, offered for same-named columns elsewhere.</summary>
internal sealed record LearnedTest(string Test, IReadOnlyDictionary<string, object?> Arguments, DbtResource Model, DbtColumn Column);

/// <summary>
/// Column-level tests the project already runs, by column name. A test is only copied where it
/// still holds: values and types only between models the catalog shows alike (and, for values,
/// that one is built from the other), references only to a model that is not downstream.
/// </summary>
internal sealed partial class LearnedTests
{
    private readonly Dictionary<string, List<TestGroup>> _byColumn = new(StringComparer.Ordinal);
    private readonly Lineage _lineage;
    private readonly ReferenceResolver _references;
    private readonly Dictionary<string, KeyEvidence> _keys;
    private readonly Dictionary<string, DbtResource> _modelsByName = new(StringComparer.Ordinal);

    // Key columns are left out: their not_null says "this is a key", not "this column name is never null",
    // and learning from them would make every applied key test suggest new tests on the next run.
    public LearnedTests(DbtProject project, IReadOnlyList<DbtResource> scope, Dictionary<string, KeyEvidence> keys, Lineage lineage, ReferenceResolver references)
    {
        (_lineage, _references, _keys) = (lineage, references, keys);
        foreach (var model in project.Resources.Where(r => r.ResourceType == DbtResourceType.Model))
        {
            _modelsByName.TryAdd(model.Name, model);
        }
        // Whether a copy applies depends on the model it came from only for value tests (lineage and
        // catalog type); the same test with the same arguments from another model is kept once, so
        // a column name tested alike in thousands of models costs one check, not thousands.
        var kept = new HashSet<string>(StringComparer.Ordinal);
        var position = 0;
        foreach (var model in scope.Where(r => r.ResourceType == DbtResourceType.Model).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            foreach (var column in model.Columns.Where(c => !keys[model.UniqueId].Columns.Contains(c.Key)))
            {
                foreach (var test in column.Tests.Where(t => t.QualifiedName is not (null or "unique") && t.Columns.Count == 1))
                {
                    if (!IsValueTest(test.QualifiedName!) &&
                        !kept.Add($"{column.Key}|{test.QualifiedName}|{JsonSerializer.Serialize(test.Arguments.OrderBy(a => a.Key, StringComparer.Ordinal))}"))
                    {
                        continue;
                    }
                    if (!_byColumn.TryGetValue(column.Key, out var groups))
                    {
                        _byColumn[column.Key] = groups = [];
                    }
                    if (groups.Find(g => g.Test == test.QualifiedName) is not { } group)
                    {
                        groups.Add(group = new TestGroup(test.QualifiedName!));
                    }
                    group.Add(position++, new LearnedTest(test.QualifiedName!, test.Arguments, model, column));
                }
            }
        }
    }

    /// <summary>
    /// The first applicable learned test of each name for <paramref name="column"/> of
    /// <paramref name="model"/>, in the order they were learned.
    /// </summary>
    public IEnumerable<LearnedTest> For(DbtResource model, DbtColumn column, bool isPrimaryKey)
    {
        if (!_byColumn.TryGetValue(column.Key, out var groups))
        {
            return [];
        }
        // Value and type tests only ever apply to a column of the same warehouse type, so only the
        // copies of that type are checked: a common column (status in thousands of models) would
        // otherwise cost a check per model for every model, quadratic in the project.
        var columnType = column.WarehouseType is { } type ? BaseType(type) : null;
        var found = new List<(int Position, LearnedTest Learned)>();
        foreach (var group in groups)
        {
            foreach (var (position, learned) in group.CandidatesFor(columnType))
            {
                if (learned.Model.UniqueId != model.UniqueId && Applies(learned, model, column, isPrimaryKey))
                {
                    found.Add((position, learned));
                    break;
                }
            }
        }
        return found.Count < 2 ? found.Select(f => f.Learned) : found.OrderBy(f => f.Position).Select(f => f.Learned);
    }

    /// <summary>The copies of one test learned for one column name, in learning order; value and type tests also by warehouse type.</summary>
    private sealed class TestGroup(string test)
    {
        private readonly List<(int, LearnedTest)> _all = [];
        private readonly Dictionary<string, List<(int, LearnedTest)>> _byType = new(StringComparer.OrdinalIgnoreCase);
        private readonly bool _typed = IsValueTest(test) || IsTypeTest(test);

        public string Test => test;

        public void Add(int position, LearnedTest learned)
        {
            _all.Add((position, learned));
            if (IsValueTest(test) && learned.Column.WarehouseType is { } type)
            {
                var key = BaseType(type);
                if (!_byType.TryGetValue(key, out var list))
                {
                    _byType[key] = list = [];
                }
                list.Add((position, learned));
            }
        }

        // A value test's copy needs both columns of one type; a type test's copy names types in its
        // arguments, so any copy may apply, but only to a column whose type is known.
        public IReadOnlyList<(int Position, LearnedTest Learned)> CandidatesFor(string? columnType) =>
            !_typed ? _all
            : columnType is null ? []
            : IsValueTest(test) ? _byType.GetValueOrDefault(columnType, [])
            : _all;
    }

    /// <summary>Tests that constrain which values a column holds (accepted_values, accepted_range, in_set, between).</summary>
    public static bool IsValueTest(string test) =>
        test.EndsWith("accepted_values", StringComparison.Ordinal) || test.EndsWith("accepted_range", StringComparison.Ordinal) ||
        test.Contains("_to_be_in_set", StringComparison.Ordinal) || test.Contains("_to_be_between", StringComparison.Ordinal);

    /// <summary>Tests that assert a column's warehouse type (dbt_expectations).</summary>
    public static bool IsTypeTest(string test) =>
        test.Contains("_to_be_of_type", StringComparison.Ordinal) || test.Contains("_to_be_in_type_list", StringComparison.Ordinal);

    private bool Applies(LearnedTest learned, DbtResource model, DbtColumn column, bool isPrimaryKey)
    {
        if (learned.Test == "relationships")
        {
            // Sources come before every model: any owner of their foreign keys is downstream.
            return !isPrimaryKey && model.ResourceType != DbtResourceType.Source && ReferencedModel(learned) is var target &&
                   (target is null ? !RefersTo(learned, model.Name) : _references.IsAllowedTarget(model, target) && OwnsField(target, learned));
        }
        if (IsTypeTest(learned.Test))
        {
            return column.WarehouseType is { } type && TypeArguments(learned).Any(t => SameType(t, type));
        }
        if (IsValueTest(learned.Test))
        {
            return column.WarehouseType is { } type && learned.Column.WarehouseType is { } learnedType && SameType(type, learnedType) &&
                   _lineage.AreRelated(model.UniqueId, learned.Model.UniqueId);
        }
        return true;
    }

    private DbtResource? ReferencedModel(LearnedTest learned) =>
        learned.Arguments.GetValueOrDefault("to") is string to && RefName().Match(to) is { Success: true } match
            ? _modelsByName.GetValueOrDefault(match.Groups["name"].Value)
            : null;

    // The copy must point at the model that owns the key, as a resolved reference would.
    private bool OwnsField(DbtResource target, LearnedTest learned) =>
        learned.Arguments.GetValueOrDefault("field") is string field &&
        _keys[target.UniqueId].Columns is [var key] && key == ColumnName.Normalize(field);

    private static bool RefersTo(LearnedTest learned, string modelName) =>
        learned.Arguments.GetValueOrDefault("to") is string to && to.Contains($"'{modelName}'", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> TypeArguments(LearnedTest learned) =>
        learned.Arguments.Where(a => a.Key.StartsWith("column_type", StringComparison.Ordinal))
            .SelectMany(a => a.Value switch { string s => [s], List<object?> list => list.OfType<string>(), _ => [] });

    // VARCHAR(256) and varchar are one type for this purpose; precision does not change what a value is.
    private static bool SameType(string a, string b) => string.Equals(BaseType(a), BaseType(b), StringComparison.OrdinalIgnoreCase);

    private static string BaseType(string type) => type.Split('(')[0].Trim();

    [GeneratedRegex(@"ref\(\s*['""](?:[^'""]+['""]\s*,\s*['""])?(?<name>[^'""]+)['""]")]
    private static partial Regex RefName();
}
