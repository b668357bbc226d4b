using Pilotdeck.PartnerStack.Tests.Hosting;
using Pilotdeck.PartnerStack.Tests.Wire;

namespace Pilotdeck.PartnerStack.Tests.Peers;

/// <summary>
/// The upload idle timeout as a grpc-js partner meets it: its stalled upload ends with
/// DEADLINE_EXCEEDED / UPLOAD_STALLED while its identity calls on the same channel go on.
/// </summary>
public sealed class GrpcJsStallTests(ShortIdleTimeoutHost host) : IClassFixture<ShortIdleTimeoutHost>
{
    [Fact]
    public async Task GrpcJsPeer_StalledUpload_SeesUploadStalledWhileSameChannelServes()
    {
        var result = await PeerProcess.RunAsync("node",
            [PeerProcess.NodePeer, $"--address={host.BaseUrl}", $"--manifest={PeerProcess.Manifest}", $"--expect_tenant={host.TenantId}", "--stall=true"],
            new Dictionary<string, string> { ["PILOTDECK_CLIENT_ID"] = host.ClientId, ["PILOTDECK_CLIENT_SECRET"] = host.ClientSecret });

        Assert.True(result.ExitCode == 0, result.ToString());
        var idleMs = (long)ShortIdleTimeoutHost.IdleTimeout.TotalMilliseconds;
        Assert.StartsWith($"PASS stall: code=DEADLINE_EXCEEDED reason=UPLOAD_STALLED idle_timeout_ms={idleMs} calls_during=", result.Passed("stall"));
        Assert.Contains("RESULT PASS", result.Lines);
    }
}
