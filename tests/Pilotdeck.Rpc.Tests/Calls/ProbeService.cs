using Google.Protobuf;
using Pilotdeck.Rpc.Tests.Probe;

namespace Pilotdeck.Rpc.Tests.Calls;

/// <summary>The probe service's behaviour; it records what it observed so tests can assert the server side too.</summary>
public sealed class ProbeServiceImpl : ProbeService.ProbeServiceBase
{
    private readonly ProbeObservations _observations;

    public ProbeServiceImpl(ProbeObservations observations) => _observations = observations;

    public override async Task<ProbeResponse> Unary(ProbeRequest request, ServerCallContext context)
    {
        await ActAsync(request, context);
        var response = Answer(request, context);
        foreach (var header in context.RequestHeaders)
        {
            response.SeenHeaders.Add(header.IsBinary ? $"{header.Key}={Convert.ToHexString(header.ValueBytes)}" : $"{header.Key}={header.Value}");
        }

        context.ResponseTrailers.Add("probe-trailer", "done");
        context.ResponseTrailers.Add("probe-trailer-bin", new byte[] { 0, 1, 2, 255 });
        return response;
    }

    public override async Task ServerStream(ProbeRequest request, IServerStreamWriter<ProbeResponse> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.ResponseCount; i++)
        {
            await responseStream.WriteAsync(Answer(request, context));
            await ActAsync(request, context);
        }
    }

    public override async Task<ProbeResponse> ClientStream(IAsyncStreamReader<ProbeRequest> requestStream, ServerCallContext context)
    {
        var count = 0;
        try
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                count++;
                await ActAsync(requestStream.Current, context);
            }
        }
        catch (Exception ex)
        {
            _observations.HandlerErrors.Enqueue(ex);
            throw;
        }

        return new ProbeResponse { ReceivedCount = count };
    }

    public override async Task Duplex(IAsyncStreamReader<ProbeRequest> requestStream, IServerStreamWriter<ProbeResponse> responseStream, ServerCallContext context)
    {
        try
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                await ActAsync(requestStream.Current, context);
                await responseStream.WriteAsync(Answer(requestStream.Current, context));
            }
        }
        catch (Exception ex)
        {
            _observations.HandlerErrors.Enqueue(ex);
            throw;
        }
    }

    private static ProbeResponse Answer(ProbeRequest request, ServerCallContext context) => new()
    {
        Text = request.Text,
        Blob = request.ResponseSize > 0 ? ByteString.CopyFrom(new byte[request.ResponseSize]) : ByteString.Empty,
    };

    private async Task ActAsync(ProbeRequest request, ServerCallContext context)
    {
        _observations.LastDeadline = context.Deadline;
        if (request.DelayMs > 0)
        {
            if (request.IgnoreCancellation)
            {
                await Task.Delay(request.DelayMs);
            }
            else
            {
                try
                {
                    await Task.Delay(request.DelayMs, context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    _observations.CancellationsSeen.Enqueue(context.Method);
                    throw;
                }
            }
        }

        if (request.ThrowUnexpected)
        {
            throw new InvalidOperationException("secret internal detail");
        }

        if (request.FailWithCode != 0)
        {
            var rich = new Google.Rpc.Status { Code = request.FailWithCode, Message = "probe failure: " + request.Text };
            rich.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new Google.Rpc.ErrorInfo { Type = "PROBE_FAILED", Domain = "pilotdeck" }));
            rich.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new Google.Rpc.BadRequest
            {
                FieldViolations = { new Google.Rpc.BadRequest.Types.FieldViolation { Field = "text", Description = "probe" } },
            }));
            throw RpcException.FromRichStatus(rich);
        }
    }
}

/// <summary>What the server side saw, shared with the test through DI.</summary>
public sealed class ProbeObservations
{
    public System.Collections.Concurrent.ConcurrentQueue<string> CancellationsSeen { get; } = new();

    public System.Collections.Concurrent.ConcurrentQueue<Exception> HandlerErrors { get; } = new();

    public DateTime LastDeadline { get; set; }
}
