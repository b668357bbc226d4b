namespace Pilotdeck.Interop.Tests;

// One class per client/server pairing: each gets its own server through its fixture, and xunit
// runs the classes in parallel while the rows of one class stay sequential (cases share a channel).

public sealed class CSharpClientAgainstPilotdeckServerTests(PilotdeckServerFixture fixture) : IClassFixture<PilotdeckServerFixture>
{
    [Theory]
    [MemberData(nameof(InteropCaseData.Names), MemberType = typeof(InteropCaseData))]
    public Task CSharpClient_Case_PassesAgainstPilotdeckServer(string testCase) => fixture.AssertCasePassesAsync(testCase);
}

public sealed class NodeClientAgainstPilotdeckServerTests(NodeClientFixture fixture) : IClassFixture<NodeClientFixture>
{
    [Theory]
    [MemberData(nameof(InteropCaseData.Names), MemberType = typeof(InteropCaseData))]
    public Task NodeClient_Case_PassesAgainstPilotdeckServer(string testCase) => fixture.AssertCasePassedAsync(testCase);
}

public sealed class PythonClientAgainstPilotdeckServerTests(PythonClientFixture fixture) : IClassFixture<PythonClientFixture>
{
    [Theory]
    [MemberData(nameof(InteropCaseData.Names), MemberType = typeof(InteropCaseData))]
    public Task PythonClient_Case_PassesAgainstPilotdeckServer(string testCase) => fixture.AssertCasePassedAsync(testCase);
}

public sealed class CSharpClientAgainstGrpcJsServerTests(GrpcJsServerFixture fixture) : IClassFixture<GrpcJsServerFixture>
{
    [Theory]
    [MemberData(nameof(InteropCaseData.Names), MemberType = typeof(InteropCaseData))]
    public Task CSharpClient_Case_PassesAgainstGrpcJsServer(string testCase) => fixture.AssertCasePassesAsync(testCase);
}
