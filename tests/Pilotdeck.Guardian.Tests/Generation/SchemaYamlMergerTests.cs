using Pilotdeck.Guardian.Generation;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Generation;

public sealed class SchemaYamlMergerTests
{
    private static readonly YamlDialect Dbt110 = YamlDialect.For(new Version(1, 10));

    private const string Commented = """
        # Orders mart, owned by the data team.
        version: 2

        models:
          # the main fact table
          - columns:            # columns before name on purpose
              - name: order_id  # surrogate key
                description: "The key."
                tests:
                  - unique
              - description: status, written first
                name: status
            name: orders
            config: {materialized: table}
          - name: untouched
        """;

    // Every merged file must still be one dbt accepts.
    private static SchemaYamlMerger.Result MergeColumns(string text, string path, string model, IReadOnlyList<(string Column, IReadOnlyList<TestSpec> Tests)> columns, YamlDialect dialect)
    {
        var result = SchemaYamlMerger.Merge(text, path,
            columns.SelectMany(c => c.Tests.Select(t => ((IReadOnlyList<YamlStep>)[new YamlStep("models", model), new YamlStep("columns", c.Column)], t))).ToArray(),
            dialect);
        DbtSchemas.AssertValid(result.Text, dialect, path);
        return result;
    }

    private static TestSpec NotNull => new("not_null", new Dictionary<string, object?>());

    [Fact]
    public void Merge_FileWithCommentsAndOddKeyOrder_KeepsEveryOriginalLineAndAddsTests()
    {
        var result = MergeColumns(Commented, "orders.yml", "orders",
        [
            ("order_id", [NotNull]),
            ("status", [new TestSpec("accepted_values", new Dictionary<string, object?> { ["values"] = new List<object?> { "placed", "shipped" } })]),
            ("amount", [NotNull]),
        ], Dbt110);

        var expected = """
            # Orders mart, owned by the data team.
            version: 2

            models:
              # the main fact table
              - columns:            # columns before name on purpose
                  - name: order_id  # surrogate key
                    description: "The key."
                    tests:
                      - unique
                      - not_null
                  - description: status, written first
                    name: status
                    data_tests:
                      - accepted_values:
                          arguments:
                            values: ['placed', 'shipped']
                  - name: amount
                    data_tests:
                      - not_null
                name: orders
                config: {materialized: table}
              - name: untouched
            """;
        Assert.Equal(expected, result.Text);
        Assert.Equal(3, result.Added);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Merge_RunTwice_AddsNothingTheSecondTime()
    {
        (string, IReadOnlyList<TestSpec>)[] columns = [("order_id", [NotNull]), ("amount", [NotNull])];
        var once = MergeColumns(Commented, "orders.yml", "orders", columns, Dbt110);

        var twice = MergeColumns(once.Text, "orders.yml", "orders", columns, Dbt110);

        Assert.Equal(once.Text, twice.Text);
        Assert.Equal(0, twice.Added);
    }

    [Fact]
    public void Merge_ModelMissingFromFile_AppendsItToTheModelsList()
    {
        var result = MergeColumns(Commented, "orders.yml", "payments", [("payment_id", [NotNull])], Dbt110);

        Assert.EndsWith("""
              - name: untouched
              - name: payments
                columns:
                  - name: payment_id
                    data_tests:
                      - not_null

            """, result.Text);
    }

    [Fact]
    public void Merge_FlowStyleTestList_InsertsIntoTheList()
    {
        var yaml = "models:\n  - name: orders\n    columns:\n      - name: order_id\n        tests: [unique]\n";

        var result = MergeColumns(yaml, "o.yml", "orders", [("order_id", [NotNull])], Dbt110);

        Assert.Equal("models:\n  - name: orders\n    columns:\n      - name: order_id\n        tests: [unique, not_null]\n", result.Text);
    }

    [Fact]
    public void Merge_CrLfFile_KeepsCrLf()
    {
        var yaml = "models:\r\n  - name: orders\r\n";

        var result = MergeColumns(yaml, "o.yml", "orders", [("order_id", [NotNull])], YamlDialect.For(new Version(1, 7)));

        Assert.Equal("models:\r\n  - name: orders\r\n    columns:\r\n      - name: order_id\r\n        tests:\r\n          - not_null\r\n", result.Text);
    }

    [Theory]
    [InlineData(1, 7, "tests", false)]
    [InlineData(1, 8, "data_tests", false)]
    [InlineData(1, 10, "data_tests", true)]
    [InlineData(2, 0, "data_tests", true)]
    public void For_DbtRelease_PicksTheTestsKeyAndArgumentsForm(int major, int minor, string key, bool arguments)
    {
        var dialect = YamlDialect.For(new Version(major, minor));

        Assert.Equal((key, arguments), (dialect.TestsKey, dialect.UseArgumentsBlock));
    }
}
