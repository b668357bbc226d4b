namespace Pilotdeck.PartnerStack.Tests.Sdk.Python;

/// <summary>
/// clients/python against the real host: each test runs one scenario of
/// clients/python/tests/test_scenarios.py (python unittest) in the SDK's venv, as a child process,
/// once per database provider.
/// </summary>
public abstract class PythonSdkTests<THost>(THost host) : IClassFixture<THost>
    where THost : PythonSdkHost
{
    [Fact]
    public Task PythonSdk_ClientCredentials_TokenIdentifiesTheApiClient() =>
        RunScenarioAsync("test_client_credentials_token_identifies_the_api_client", $"tenant={host.TenantId} subject={host.ClientId}");

    [Fact]
    public Task PythonSdk_MessageOverTheServersLimit_FailsInTheClient() =>
        RunScenarioAsync("test_message_over_the_servers_limit_fails_in_the_client", "code=RESOURCE_EXHAUSTED details=Sent message larger than max");

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
    public Task PythonSdk_Import_StreamsACsvFileInChunksAndPlansIt() =>
        RunScenarioAsync("test_import_streams_a_csv_file_in_chunks_and_plans_it", "created=1 rejected=1");

    [Fact]
    public Task PythonSdk_Asyncio_StreamsAnImportWatchesItAndReadsErrors() =>
        RunScenarioAsync("test_async_client_streams_an_import_watches_it_and_reads_errors", "created=1 rejected=1 watched=");

    [Fact]
    public Task PythonSdk_RejectedRequest_DecodeErrorReadsFieldViolation() =>
        RunScenarioAsync("test_rejected_request_has_a_field_violation_decode_error_reads", "code=INVALID_ARGUMENT reason=FIELD_INVALID fields=email");

    [Fact]
    public Task PythonSdk_ShortTokenLifetime_RenewsAcrossExpiry() =>
        RunScenarioAsync("test_token_renews_across_a_short_expiry", "renewals=");

    private async Task RunScenarioAsync(string scenario, string expectedOutput)
    {
        var result = await PythonSdkRunner.RunAsync($"test_scenarios.ScenarioTests.{scenario}", host);

        Assert.Contains(expectedOutput, result.Stdout);
    }
}

public sealed class PythonSdkTests_Sqlite(PythonSdkHost host) : PythonSdkTests<PythonSdkHost>(host);

public sealed class PythonSdkTests_Postgres(PostgresPythonSdkHost host) : PythonSdkTests<PostgresPythonSdkHost>(host);
