using Pilotdeck.Guardian.Generation;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Generation;

/// <summary>The schema check the generation tests rely on really rejects files dbt would reject.</summary>
public sealed class DbtSchemaValidationTests
{
    private static readonly YamlDialect Current = YamlDialect.For(new Version(1, 10));

    [Theory]
    [InlineData("version: 2\nmodels:\n  - description: a model without a name\n")]
    [InlineData("version: '2'\nmodels:\n  - name: orders\n")]
    [InlineData("version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        descripton: misspelt key\n")]
    public void AssertValid_FileDbtWouldReject_Fails(string yaml) =>
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => DbtSchemas.AssertValid(yaml, Current));

    [Fact]
    public void AssertValid_PropertyFileWithTests_Passes() =>
        DbtSchemas.AssertValid("version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n", Current);
}
