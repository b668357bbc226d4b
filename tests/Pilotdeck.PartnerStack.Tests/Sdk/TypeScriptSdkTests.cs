using System.Text.RegularExpressions;
using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Sdk;

/// <summary>
/// The TypeScript SDK (clients/typescript, built by scripts/install-prerequisites.sh) against the
/// real host: each scenario is one file under clients/typescript/test/, run with node's test runner
/// as a child process, the way the partner peers are run.
/// </summary>
public sealed partial class TypeScriptSdkTests(TypeScriptSdkHost host) : IClassFixture<TypeScriptSdkHost>
{
    private static readonly string SdkDirectory = Path.Combine(PeerProcess.RepoRoot, "clients", "typescript");

    [Fact]
    public Task TypeScriptSdk_ClientCredentials_GetsTokenByDiscoveryAndCalls() => RunScenarioAsync("token.test.mjs", expectedTests: 3);

    [Fact]
    public Task TypeScriptSdk_ListMembers_OverGrpcGrpcWebAndConnect() => RunScenarioAsync("list-members.test.mjs", expectedTests: 4);

    [Fact]
    public Task TypeScriptSdk_BrowserBuild_GrpcWebAndConnectOverFetchOnTheHttp11Endpoint_UploadsIncluded() => RunScenarioAsync("browser-grpc-web.test.mjs", expectedTests: 7, "--conditions=browser");

    [Fact]
    public Task TypeScriptSdk_CreateApiClientTwiceWithOneRequestId_CreatesOne() => RunScenarioAsync("idempotent-create.test.mjs", expectedTests: 2);

    [Fact]
    public Task TypeScriptSdk_GuardianUpload_StreamsManifestInChunks() => RunScenarioAsync("guardian-upload.test.mjs", expectedTests: 1);

    [Fact]
    public Task TypeScriptSdk_UploadHelpers_ChunkFilesAndStreamsAndACsvImportIsPlanned() => RunScenarioAsync("uploads.test.mjs", expectedTests: 4);

    [Fact]
    public Task TypeScriptSdk_RejectedRequest_DecodeErrorReadsFieldViolation() => RunScenarioAsync("field-violation.test.mjs", expectedTests: 2);

    [Fact]
    public Task TypeScriptSdk_ShortTokenLifetime_RenewsBeforeExpiryAndAfterTokenExpired() => RunScenarioAsync("token-renewal.test.mjs", expectedTests: 3);

    [Fact]
    public Task TypeScriptSdk_ScriptedServer_RetriesOnlyIdempotentCallsKeepsRequestIdAndLimitsSends() => RunScenarioAsync("retries.test.mjs", expectedTests: 9);

    [Fact]
    public Task TypeScriptSdk_ScriptedTokenEndpoint_DiscoverySingleGrantAndStatusMapping() => RunScenarioAsync("token-handling.test.mjs", expectedTests: 3);

    [Fact]
    public async Task TypeScriptSdk_GeneratedCode_MatchesProtos()
    {
        var result = await PeerProcess.RunAsync("node", [Path.Combine(SdkDirectory, "scripts", "generate.mjs"), "--check"]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task TypeScriptSdk_NpmPack_ShipsBuiltCodeAndTypes()
    {
        // --ignore-scripts: prepack would rebuild dist/ while the other scenarios import it.
        var result = await PeerProcess.RunAsync("npm", ["pack", "--dry-run", "--ignore-scripts", "--json", SdkDirectory]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"name\": \"@pilotdeck/client\"", result.Stdout);
        foreach (var file in new[] { "dist/index.js", "dist/index.d.ts", "dist/platform/node.js", "dist/platform/browser.js", "dist/gen/pilotdeck/identity/v1/identity_pb.js", "README.md" })
        {
            Assert.Contains($"\"path\": \"{file}\"", result.Stdout);
        }
    }

    private async Task RunScenarioAsync(string file, int expectedTests, params string[] nodeOptions)
    {
        Assert.True(File.Exists(Path.Combine(SdkDirectory, "dist", "index.js")),
            "clients/typescript is not built: run scripts/install-prerequisites.sh (npm ci and npm run build there)");

        var result = await PeerProcess.RunAsync("node", [.. nodeOptions, "--test", "--test-reporter=tap", Path.Combine(SdkDirectory, "test", file)], host.SdkEnvironment, TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expectedTests.ToString(System.Globalization.CultureInfo.InvariantCulture), Summary(result, "pass"));
        Assert.Equal("0", Summary(result, "fail"));
        Assert.Equal("0", Summary(result, "skipped"));
    }

    private static string Summary(PeerResult result, string name)
    {
        var match = Regex.Match(result.Stdout, $@"^# {name} (\d+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"no '# {name}' line.\n{result}");
        return match.Groups[1].Value;
    }
}
