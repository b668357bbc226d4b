using System.Globalization;
using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Sdk.Python;

/// <summary>Runs a python unittest name from clients/python/tests in the SDK's venv.</summary>
public static class PythonSdkRunner
{
    public static async Task<PeerResult> RunAsync(string unittestName, PythonSdkHost? host = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["PYTHONPATH"] = Path.Combine(PythonSdkVenv.SdkFolder, "tests"),
            // Imports must come from the installed package, not from the source tree.
            ["PYTHONSAFEPATH"] = "1",
        };
        if (host is not null)
        {
            environment["PILOTDECK_SERVER_URL"] = host.BaseUrl;
            environment["PILOTDECK_AUTH_URL"] = host.Host.RestAddress.ToString().TrimEnd('/');
            environment["PILOTDECK_CLIENT_ID"] = host.ClientId;
            environment["PILOTDECK_CLIENT_SECRET"] = host.ClientSecret;
            environment["PILOTDECK_MANIFEST"] = PeerProcess.Manifest;
            environment["PILOTDECK_TOKEN_LIFETIME_SECONDS"] = PythonSdkHost.TokenLifetimeSeconds.ToString(CultureInfo.InvariantCulture);
        }

        var result = await PeerProcess.RunAsync(await PythonSdkVenv.PythonAsync(), ["-m", "unittest", "-v", unittestName], environment);

        // unittest reports on stderr; a skipped test (a missing setting) must not pass as a success.
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\nOK", result.Stderr);
        Assert.DoesNotContain("skipped", result.Stderr);
        return result;
    }
}
