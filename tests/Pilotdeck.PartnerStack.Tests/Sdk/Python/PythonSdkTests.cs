using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Sdk.Python;

/// <summary>
/// clients/python against the real host: each test runs one scenario of
/// clients/python/tests/test_scenarios.py (python unittest) in the SDK's venv, as a child process.
/// </summary>
public sealed class PythonSdkTests(PythonSdkHost host) : IClassFixture<PythonSdkHost>
{
    [Fact]
    public Task PythonSdk_ClientCredentials_TokenIdentifiesTheApiClient() =>
        RunScenarioAsync("test_client_credentials_token_identifies_the_api_client", $"tenant={host.TenantId} subject={host.ClientId}");

    [Fact]
    public Task PythonSdk_ListMembers_ReturnsSeededMembers() =>
        RunScenarioAsync("test_list_members_returns_the_seeded_members", "members=");

    [Fact]
    public Task PythonSdk_CreateApiClientTwiceWithOneRequestId_CreatesOne() =>
        RunScenarioAsync("test_create_api_client_twice_with_one_request_id_creates_one", "client_id=pdc_");

    [Fact]
    public Task PythonSdk_GuardianUpload_StreamsManifestInChunks() =>
        RunScenarioAsync("test_guardian_upload_streams_the_manifest_in_chunks", "analysis_id=");

    [Fact]
    public Task PythonSdk_RejectedRequest_DecodeErrorReadsFieldViolation() =>
        RunScenarioAsync("test_rejected_request_has_a_field_violation_decode_error_reads", "code=INVALID_ARGUMENT reason=FIELD_INVALID fields=email");

    [Fact]
    public Task PythonSdk_ShortTokenLifetime_RenewsAcrossExpiry() =>
        RunScenarioAsync("test_token_renews_across_a_short_expiry", "renewals=");

    /// <summary>Deadline, retries, request_id, token renewal and error decoding against an in-process fake (no host).</summary>
    [Fact]
    public async Task PythonSdk_OfflineCallBehaviour_AllPass()
    {
        var result = await RunUnittestAsync("test_offline");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\nOK", result.Stderr);
        Assert.DoesNotContain("skipped", result.Stderr);
    }

    private async Task RunScenarioAsync(string scenario, string expectedOutput)
    {
        var result = await RunUnittestAsync($"test_scenarios.ScenarioTests.{scenario}");

        // unittest reports on stderr; a skipped scenario (missing setting) must not pass as a success.
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(" ... ok", result.Stderr);
        Assert.DoesNotContain("skipped", result.Stderr);
        Assert.Contains(expectedOutput, result.Stdout);
    }

    private async Task<PeerResult> RunUnittestAsync(string name)
    {
        var python = await PythonSdkVenv.PythonAsync();
        return await PeerProcess.RunAsync(python,
            ["-m", "unittest", "-v", name],
            new Dictionary<string, string>
            {
                ["PYTHONPATH"] = Path.Combine(PythonSdkVenv.SdkFolder, "tests"),
                // Imports must come from the installed package, not from the source tree.
                ["PYTHONSAFEPATH"] = "1",
                ["PILOTDECK_SERVER_URL"] = host.BaseUrl,
                ["PILOTDECK_AUTH_URL"] = host.Host.RestAddress.ToString().TrimEnd('/'),
                ["PILOTDECK_CLIENT_ID"] = host.ClientId,
                ["PILOTDECK_CLIENT_SECRET"] = host.ClientSecret,
                ["PILOTDECK_MANIFEST"] = PeerProcess.Manifest,
                ["PILOTDECK_TOKEN_LIFETIME_SECONDS"] = PythonSdkHost.TokenLifetimeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
    }
}
