using System.Text.RegularExpressions;
using Grpc.Core;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Peers;

/// <summary>
/// tests/partners/node/partner_peer.js (@grpc/grpc-js, @grpc/proto-loader over the repository's
/// protos) as a child process against the real host, per database provider.
/// </summary>
public abstract partial class GrpcJsPeerTests<THost>(THost host) : IClassFixture<THost>
    where THost : PartnerHost
{
    [Fact]
    public async Task GrpcJsPeer_ClientCredentials_TokenIdentityUploadAndRichErrorPass()
    {
        var result = await RunPeerAsync(host.ClientSecret);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("PASS token: expires_in=", result.Passed("token"));
        Assert.EndsWith($"tenant={host.TenantId} subject={host.ClientId}", result.Passed("identity"));
        Assert.Contains("code=INVALID_ARGUMENT reason=FIELD_INVALID fields=email", result.Passed("rich_error"));
        Assert.Contains("RESULT PASS", result.Lines);

        // What the peer reports as stored must be readable over our own client too.
        var upload = UploadLine().Match(result.Passed("upload"));
        Assert.True(upload.Success, result.ToString());
        Assert.True(int.Parse(upload.Groups["chunks"].Value) > 1);
        using var channel = host.CreateChannel(out _);
        var stored = await new GuardianService.GuardianServiceClient(channel)
            .GetAnalysisAsync(new GetAnalysisRequest { AnalysisId = upload.Groups["id"].Value, View = AnalysisView.Basic }, await host.BearerAsync());
        Assert.StartsWith("node-peer-", stored.Analysis.ProjectName);
        Assert.Equal(int.Parse(upload.Groups["gaps"].Value), stored.Analysis.GapCount);
    }

    [Fact]
    public async Task GrpcJsPeer_WrongClientSecret_FailsEveryStepAndExitsNonZero()
    {
        var result = await RunPeerAsync("not-the-secret");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.Lines, l => l.StartsWith("FAIL token: token endpoint answered 400", StringComparison.Ordinal) || l.StartsWith("FAIL token: token endpoint answered 401", StringComparison.Ordinal));
        Assert.Contains("FAIL identity: no token", result.Lines);
        Assert.DoesNotContain(result.Lines, l => l.StartsWith("PASS", StringComparison.Ordinal));
    }

    private Task<PeerResult> RunPeerAsync(string secret) =>
        PeerProcess.RunAsync("node",
            [PeerProcess.NodePeer, $"--address={host.BaseUrl}", $"--manifest={PeerProcess.Manifest}", $"--expect_tenant={host.TenantId}"],
            new Dictionary<string, string> { ["PILOTDECK_CLIENT_ID"] = host.ClientId, ["PILOTDECK_CLIENT_SECRET"] = secret });

    [GeneratedRegex(@"chunks=(?<chunks>\d+) analysis_id=(?<id>\S+) models=\d+ gaps=(?<gaps>\d+)")]
    private static partial Regex UploadLine();
}

public sealed class GrpcJsPeerTests_Sqlite(PartnerHost host) : GrpcJsPeerTests<PartnerHost>(host);

public sealed class GrpcJsPeerTests_Postgres(PostgresPartnerHost host) : GrpcJsPeerTests<PostgresPartnerHost>(host);
