using Grpc.Testing;
using Pilotdeck.Rpc;

namespace Pilotdeck.Interop.Client;

/// <summary>What a case needs: the stubs, call options that honour the case watchdog, and the wire tap.</summary>
public sealed class CaseContext
{
    private static readonly WriteOptions NoCompress = new(WriteFlags.NoCompress);

    internal CaseContext(TestService.TestServiceClient client, UnimplementedService.UnimplementedServiceClient unimplemented, WireTap tap, CancellationToken aborted)
    {
        Client = client;
        Unimplemented = unimplemented;
        Tap = tap;
        Aborted = aborted;
    }

    public TestService.TestServiceClient Client { get; }

    public UnimplementedService.UnimplementedServiceClient Unimplemented { get; }

    public WireTap Tap { get; }

    /// <summary>Fires when the case runs out of time, so its calls end instead of lingering.</summary>
    public CancellationToken Aborted { get; }

    /// <summary>Caveats the case could not check; printed as <c>note:</c> lines.</summary>
    public List<string> Notes { get; } = new();

    public CallOptions Plain(Metadata? headers = null, DateTime? deadline = null) =>
        new(headers, deadline, Aborted);

    /// <summary>A gzip call; <paramref name="compressMessage"/> false clears the flag on its message(s) all the same.</summary>
    public CallOptions Gzip(bool compressMessage = true) =>
        new(new Metadata { { GrpcChannel.RequestEncodingHeader, "gzip" } }, null, Aborted, compressMessage ? null : NoCompress);

    /// <summary>Options for a plain call whose response frames the tap records.</summary>
    public (CallOptions Options, TappedCall Tapped) Tapped()
    {
        var headers = new Metadata();
        var tapped = Tap.Tag(headers);
        return (Plain(headers), tapped);
    }

    /// <summary>A call that cancels when the case aborts or when the returned source is cancelled.</summary>
    public (CallOptions Options, CancellationTokenSource Cancel) Cancellable()
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(Aborted);
        return (new CallOptions(CancellationToken: cancel.Token), cancel);
    }
}
