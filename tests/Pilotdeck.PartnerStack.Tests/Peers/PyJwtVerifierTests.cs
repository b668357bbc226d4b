using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Peers;

/// <summary>
/// tests/partners/python/verify_jwt.py: a client-credentials access token verified against the
/// published JWKS with Debian's python3-jwt (PyJWT), a library nobody here wrote, and a tampered
/// copy rejected by it.
/// </summary>
public sealed class PyJwtVerifierTests(PartnerHost host) : IClassFixture<PartnerHost>
{
    [Fact]
    public async Task ClientCredentialsToken_VerifiesAgainstPublishedJwks_WithPyJwt()
    {
        var result = await PeerProcess.RunAsync(PeerProcess.SystemPython,
            [Path.Combine(PeerProcess.RepoRoot, "tests", "partners", "python", "verify_jwt.py"), $"--base_url={host.Host.RestAddress}"],
            new Dictionary<string, string> { ["PILOTDECK_CLIENT_ID"] = host.ClientId, ["PILOTDECK_CLIENT_SECRET"] = host.ClientSecret });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("alg=ES256 typ=at+jwt", result.Passed("verify"));
        Assert.Contains($"tenant={host.TenantId} sub={host.ClientId}", result.Passed("verify"));
        Assert.Contains("PASS tampered: rejected", result.Lines);
        Assert.Contains("RESULT PASS", result.Lines);
    }
}
