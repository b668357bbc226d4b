using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.PartnerStack.Tests.Hosting;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.PartnerStack.Tests.Wire;

/// <summary>
/// A host with a short Guardian idle timeout, so a stall shows within a test. Long enough that a
/// busy 2-core CI machine (browser and server suites running beside this one) still delivers a
/// steady client's chunks in time: 1.5 s once ended a steady upload after its first 0.5 s gap.
/// </summary>
public sealed class ShortIdleTimeoutHost : PartnerHost
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(3);

    protected override IEnumerable<string> Settings => [$"Pilotdeck:Guardian:UploadIdleTimeout={IdleTimeout:c}"];
}

/// <summary>
/// A client-streaming upload that stops sending must be ended by the server resetting its own
/// stream (UPLOAD_STALLED), never the connection: other calls multiplexed on the same HTTP/2
/// connection go on before, during and after.
/// </summary>
public sealed class UploadStallTests(ShortIdleTimeoutHost host) : IClassFixture<ShortIdleTimeoutHost>
{
    [Fact]
    public async Task AnalyzeProject_StalledAfterFirstChunk_EndsUploadStalledWhileSameConnectionServes()
    {
        using var channel = host.CreateChannel(out var connections);
        var identity = new IdentityService.IdentityServiceClient(channel);
        var headers = await host.BearerAsync();
        await identity.GetCallerIdentityAsync(new GetCallerIdentityRequest(), headers);

        // No client deadline: only the server's idle timeout can end this call.
        using var stalled = new GuardianService.GuardianServiceClient(channel).AnalyzeProject(headers);
        await stalled.RequestStream.WriteAsync(new AnalyzeProjectRequest { Metadata = new AnalyzeProjectMetadata { ProjectName = "stalled" } });
        await stalled.RequestStream.WriteAsync(new AnalyzeProjectRequest { ManifestChunk = ByteString.CopyFromUtf8("{\"metadata\": {") });
        var sinceLastMessage = Stopwatch.StartNew();

        var during = 0;
        while (!stalled.ResponseAsync.IsCompleted)
        {
            Assert.True(sinceLastMessage.Elapsed < TimeSpan.FromSeconds(20), "the stalled upload was never ended");
            var me = await identity.GetCallerIdentityAsync(new GetCallerIdentityRequest(), headers);
            Assert.Equal(host.TenantId, me.TenantId);
            during++;
            await Task.Delay(100);
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => stalled.ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.UploadStalled), ApiErrors.ReasonOf(ex));
        Assert.True(sinceLastMessage.Elapsed >= ShortIdleTimeoutHost.IdleTimeout - TimeSpan.FromMilliseconds(100), $"ended after {sinceLastMessage.Elapsed}");
        Assert.True(during >= 5, $"only {during} calls completed while the upload stalled");
        Assert.Equal(host.TenantId, (await identity.GetCallerIdentityAsync(new GetCallerIdentityRequest(), headers)).TenantId);
        // Everything, the reset stream included, went over the one connection.
        Assert.Equal(1, connections.Opened);
    }

    [Fact]
    public async Task AnalyzeProject_NoMessageAtAll_EndsUploadStalled()
    {
        using var channel = host.CreateChannel(out var connections);
        using var stalled = new GuardianService.GuardianServiceClient(channel).AnalyzeProject(await host.BearerAsync());

        var ex = await Assert.ThrowsAsync<RpcException>(() => stalled.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.UploadStalled), ApiErrors.ReasonOf(ex));
        await AssertIdentityAsync(channel);
        Assert.Equal(1, connections.Opened);
    }

    [Fact]
    public async Task AnalyzeProject_SlowButSteadyChunks_CompletesPastTheIdleTimeout()
    {
        using var channel = host.CreateChannel(out _);
        var manifest = await File.ReadAllBytesAsync(PeerProcess.Manifest);
        // Eight gaps of a sixth of the timeout: together they outlast it, and each leaves 2.5 s of slack.
        var chunks = manifest.Chunk(manifest.Length / 8 + 1).ToList();
        var pause = ShortIdleTimeoutHost.IdleTimeout / 6;
        var watch = Stopwatch.StartNew();

        using var call = new GuardianService.GuardianServiceClient(channel).AnalyzeProject(await host.BearerAsync());
        await call.RequestStream.WriteAsync(new AnalyzeProjectRequest { Metadata = new AnalyzeProjectMetadata { ProjectName = "slow-steady" } });
        foreach (var chunk in chunks)
        {
            await Task.Delay(pause);
            await call.RequestStream.WriteAsync(new AnalyzeProjectRequest { ManifestChunk = ByteString.CopyFrom(chunk) });
        }

        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;

        // The whole upload outlasts the idle timeout; only the gaps between messages are limited.
        Assert.True(watch.Elapsed > ShortIdleTimeoutHost.IdleTimeout, $"took only {watch.Elapsed}");
        Assert.Equal("slow-steady", response.Analysis.ProjectName);
    }

    [Fact]
    public async Task AnalyzeProject_StalledInsideAFrame_EndsUploadStalledOnItsOwnStream()
    {
        var connections = new ConnectionCounter();
        using var http = connections.CreateHttpClient();
        var metadata = new AnalyzeProjectRequest { Metadata = new AnalyzeProjectMetadata { ProjectName = "stalled-mid-frame" } };
        // The metadata message, then only two bytes of the next frame's five-byte header.
        using var request = GrpcWire.StallingRequest(host.Address, "/pilotdeck.guardian.v1.GuardianService/AnalyzeProject",
            [.. GrpcWire.Frame(metadata), 0x00, 0x00], await host.TokenAsync());

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromSeconds(20));
        await response.Content.ReadAsByteArrayAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("4", GrpcWire.StatusOf(response));
        var info = GrpcWire.DetailsOf(response)!.Details.Single(d => d.Is(Google.Rpc.ErrorInfo.Descriptor)).Unpack<Google.Rpc.ErrorInfo>();
        Assert.Equal(ErrorReasons.Name(ErrorReason.UploadStalled), info.Reason);
        Assert.Equal(((long)ShortIdleTimeoutHost.IdleTimeout.TotalMilliseconds).ToString(), info.Metadata["idle_timeout_ms"]);
        using var next = await http.SendAsync(GrpcWire.Request(host.Address, "/pilotdeck.identity.v1.IdentityService/GetCallerIdentity", GrpcWire.Frame(new GetCallerIdentityRequest()), await host.TokenAsync()));
        await next.Content.ReadAsByteArrayAsync();
        Assert.Equal("0", GrpcWire.StatusOf(next));
        Assert.Equal(1, connections.Opened);
    }

    private async Task AssertIdentityAsync(GrpcChannel channel)
    {
        var me = await new IdentityService.IdentityServiceClient(channel).GetCallerIdentityAsync(new GetCallerIdentityRequest(), await host.BearerAsync());
        Assert.Equal(host.TenantId, me.TenantId);
    }
}
