namespace Pilotdeck.PartnerStack.Tests.Sdk.Python;

/// <summary>clients/python/tests/test_offline.py: the SDK's call behaviour against an in-process fake, no host.</summary>
public sealed class PythonSdkOfflineTests
{
    /// <summary>Deadline, retries, request_id, token renewal and refusal, error decoding.</summary>
    [Fact]
    public Task PythonSdk_OfflineCallBehaviour_AllPass() => PythonSdkRunner.RunAsync("test_offline");
}
