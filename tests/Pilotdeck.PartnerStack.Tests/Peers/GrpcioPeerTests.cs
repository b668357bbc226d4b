using System.Text.RegularExpressions;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Peers;

/// <summary>
/// tests/partners/python/partner_peer.py (Debian's python3-grpcio, gRPC C core) as a child process.
/// It gets its token with client credentials from the API's HTTP/1.1 endpoint (the standard library
/// has no HTTP/2 client for the h2c gRPC port). Per database provider.
/// </summary>
public abstract partial class GrpcioPeerTests<THost>(THost host) : IClassFixture<THost>
    where THost : PartnerHost
{
    [Fact]
    public async Task GrpcioPeer_WithClientCredentials_TokenIdentityUploadAndRichErrorPass()
    {
        var result = await PeerProcess.RunAsync(PeerProcess.SystemPython,
            [.. PeerArguments, $"--token_url={new Uri(host.Host.RestAddress, "/oauth2/token")}"],
            new Dictionary<string, string> { ["PILOTDECK_CLIENT_ID"] = host.ClientId, ["PILOTDECK_CLIENT_SECRET"] = host.ClientSecret });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("PASS token: client_credentials", result.Lines);
        Assert.EndsWith($"tenant={host.TenantId} subject={host.ClientId}", result.Passed("identity"));
        Assert.EndsWith("code=INVALID_ARGUMENT reason=FIELD_INVALID fields=email", result.Passed("rich_error"));
        Assert.Contains("RESULT PASS", result.Lines);

        var upload = UploadLine().Match(result.Passed("upload"));
        Assert.True(upload.Success, result.ToString());
        Assert.True(int.Parse(upload.Groups["chunks"].Value) > 1);
        using var channel = host.CreateChannel(out _);
        var stored = await new GuardianService.GuardianServiceClient(channel)
            .GetAnalysisAsync(new GetAnalysisRequest { AnalysisId = upload.Groups["id"].Value, View = AnalysisView.Basic }, await host.BearerAsync());
        Assert.StartsWith("python-peer-", stored.Analysis.ProjectName);
    }

    [Fact]
    public async Task GrpcioPeer_TamperedToken_FailsEachCallUnauthenticated()
    {
        var token = await host.TokenAsync();
        // Another signature over the same claims: the server must refuse it on every call.
        var tampered = token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var result = await RunPeerAsync(tampered);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.Lines, l => l.StartsWith("FAIL identity:", StringComparison.Ordinal) && l.Contains("UNAUTHENTICATED"));
        Assert.Contains(result.Lines, l => l.StartsWith("FAIL upload:", StringComparison.Ordinal) && l.Contains("UNAUTHENTICATED"));
        Assert.DoesNotContain(result.Lines, l => l.StartsWith("PASS", StringComparison.Ordinal));
    }

    private string[] PeerArguments =>
        [PeerProcess.PythonPeer, $"--address={host.Address.Authority}", $"--manifest={PeerProcess.Manifest}",
            $"--expect_tenant={host.TenantId}", $"--expect_subject={host.ClientId}"];

    private Task<PeerResult> RunPeerAsync(string token) =>
        PeerProcess.RunAsync(PeerProcess.SystemPython, PeerArguments, new Dictionary<string, string> { ["PILOTDECK_TOKEN"] = token });

    [GeneratedRegex(@"chunks=(?<chunks>\d+) analysis_id=(?<id>\S+) models=\d+ gaps=\d+")]
    private static partial Regex UploadLine();
}

public sealed class GrpcioPeerTests_Sqlite(PartnerHost host) : GrpcioPeerTests<PartnerHost>(host);

public sealed class GrpcioPeerTests_Postgres(PostgresPartnerHost host) : GrpcioPeerTests<PostgresPartnerHost>(host);
