using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Sdk.Python;

/// <summary>clients/python/examples/quickstart.py, run as the SDK's README says, against the real host.</summary>
public sealed class PythonSdkExampleTests(PythonSdkHost host) : IClassFixture<PythonSdkHost>
{
    [Fact]
    public async Task Quickstart_WithAManifest_SignsInListsIsRefusedAndAnalyses()
    {
        var environment = new Dictionary<string, string>
        {
            ["PILOTDECK_SERVER_URL"] = host.BaseUrl,
            ["PILOTDECK_AUTH_URL"] = host.Host.RestAddress.ToString().TrimEnd('/'),
            ["PILOTDECK_CLIENT_ID"] = host.ClientId,
            ["PILOTDECK_CLIENT_SECRET"] = host.ClientSecret,
        };
        var example = Path.Combine(PythonSdkVenv.SdkFolder, "examples", "quickstart.py");

        var result = await PeerProcess.RunAsync(await PythonSdkVenv.PythonAsync(), [example, PeerProcess.Manifest], environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"signed in as {host.ClientId} in tenant {host.TenantId}", result.Lines[0]);
        Assert.Contains(result.Lines, line => line.StartsWith("refused: INVALID_ARGUMENT FIELD_INVALID", StringComparison.Ordinal));
        Assert.Matches(@"(?m)^analysis \S+: [1-9]\d* models, \d+ gaps$", result.Stdout);
    }
}
