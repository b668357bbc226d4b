using System.Globalization;
using Pilotdeck.Contracts.Api.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// Reads an upload's request stream (Guardian's AnalyzeProject, UploadAttachment) with a limit on
/// the wait for each message. A client that stops sending without half-closing would otherwise keep
/// the call, its spool files and an HTTP/2 stream open until the connection dies. Throwing from the
/// handler makes grpc-dotnet send the status in trailers and Kestrel reset just this stream, so
/// other calls on the connection go on.
/// </summary>
internal sealed class UploadMessages<T> : IDisposable
{
    private readonly IAsyncStreamReader<T> _requests;
    private readonly TimeSpan _idleTimeout;
    private readonly CancellationToken _callToken;
    // One source for the call, re-armed per message, rather than a new timer per chunk.
    private CancellationTokenSource _idle;

    public UploadMessages(IAsyncStreamReader<T> requests, TimeSpan idleTimeout, CancellationToken callToken)
    {
        _requests = requests;
        _idleTimeout = idleTimeout;
        _callToken = callToken;
        _idle = CancellationTokenSource.CreateLinkedTokenSource(callToken);
    }

    public T Current => _requests.Current;

    /// <summary>The next message, or false at half-close; UPLOAD_STALLED when none comes in time.</summary>
    public async Task<bool> MoveNextAsync()
    {
        if (_idleTimeout <= TimeSpan.Zero)
        {
            return await _requests.MoveNext(_callToken);
        }

        _idle.CancelAfter(_idleTimeout);
        try
        {
            var more = await _requests.MoveNext(_idle.Token);
            if (!_idle.TryReset())
            {
                // The timer fired just after the message arrived; that message was in time.
                _idle.Dispose();
                _idle = CancellationTokenSource.CreateLinkedTokenSource(_callToken);
            }

            return more;
        }
        catch (Exception ex) when (IsOwnTimeout(ex))
        {
            throw ApiErrors.Create(StatusCode.DeadlineExceeded, ErrorReason.UploadStalled,
                FormattableString.Invariant($"No upload message arrived for {_idleTimeout.TotalSeconds:0.###} s; send chunks continuously and half-close when done."),
                new Dictionary<string, string> { ["idle_timeout_ms"] = ((long)_idleTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) });
        }
    }

    // Only our timer counts as a stall; the client going away (call token) stays a cancellation.
    private bool IsOwnTimeout(Exception ex) =>
        ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled }
        && _idle.IsCancellationRequested
        && !_callToken.IsCancellationRequested;

    public void Dispose() => _idle.Dispose();
}

/// <summary>What every upload handler does before it reads its stream.</summary>
internal static class UploadCalls
{
    /// <summary>
    /// Lifts Kestrel's request body cap (~28.6 MiB by default) for an upload call: it would cut a
    /// large file off with a bare transport error, where the feature's own limit answers with a reason.
    /// </summary>
    public static void LiftBodySizeLimit(ServerCallContext context)
    {
        if (context.GetHttpContext().Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }
    }
}
