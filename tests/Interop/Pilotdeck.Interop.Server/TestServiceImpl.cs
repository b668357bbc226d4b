using Google.Protobuf;
using Grpc.Testing;
using Pilotdeck.Rpc;
using Pilotdeck.Rpc.Server;

namespace Pilotdeck.Interop.Server;

/// <summary>grpc.testing.TestService as the interop test descriptions specify the server's behaviour.</summary>
public sealed class TestServiceImpl : TestService.TestServiceBase
{
    private const string EchoInitialKey = "x-grpc-test-echo-initial";
    private const string EchoTrailingKey = "x-grpc-test-echo-trailing-bin";

    public override Task<Empty> EmptyCall(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    public override async Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        await EchoMetadataAsync(context);
        EnsureCompressedAsExpected(request.ExpectCompressed, context);
        ThrowIfStatusRequested(request.ResponseStatus);
        if (request.ResponseCompressed?.Value == true)
        {
            context.SetResponseCompression("gzip");
        }

        return new SimpleResponse { Payload = CreatePayload(request.ResponseSize) };
    }

    public override async Task StreamingOutputCall(StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context);
        await WriteResponsesAsync(request, responseStream, context);
        ThrowIfStatusRequested(request.ResponseStatus);
    }

    public override async Task<StreamingInputCallResponse> StreamingInputCall(IAsyncStreamReader<StreamingInputCallRequest> requestStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context);
        var total = 0;
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            EnsureCompressedAsExpected(requestStream.Current.ExpectCompressed, context);
            total += requestStream.Current.Payload?.Body.Length ?? 0;
        }

        return new StreamingInputCallResponse { AggregatedPayloadSize = total };
    }

    public override async Task FullDuplexCall(IAsyncStreamReader<StreamingOutputCallRequest> requestStream, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context);
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            ThrowIfStatusRequested(requestStream.Current.ResponseStatus);
            await WriteResponsesAsync(requestStream.Current, responseStream, context);
        }
    }

    public override async Task HalfDuplexCall(IAsyncStreamReader<StreamingOutputCallRequest> requestStream, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context);
        var requests = new List<StreamingOutputCallRequest>();
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            requests.Add(requestStream.Current);
        }

        foreach (var request in requests)
        {
            await WriteResponsesAsync(request, responseStream, context);
        }
    }

    private static async Task WriteResponsesAsync(StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        if (request.ResponseParameters.Any(p => p.Compressed?.Value == true))
        {
            context.SetResponseCompression("gzip");
        }

        foreach (var parameters in request.ResponseParameters)
        {
            if (parameters.IntervalUs > 0)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(parameters.IntervalUs), context.CancellationToken);
            }

            responseStream.WriteOptions = parameters.Compressed?.Value == true ? null : new WriteOptions(WriteFlags.NoCompress);
            await responseStream.WriteAsync(new StreamingOutputCallResponse { Payload = CreatePayload(parameters.Size) });
        }
    }

    private static Payload CreatePayload(int size) => new() { Type = PayloadType.Compressable, Body = ByteString.CopyFrom(new byte[size]) };

    private static void ThrowIfStatusRequested(EchoStatus? status)
    {
        if (status is { Code: not 0 })
        {
            throw new RpcException(new Status((StatusCode)status.Code, status.Message));
        }
    }

    /// <summary>The compressed-probe cases: a message that claims to be compressed must really be.</summary>
    private static void EnsureCompressedAsExpected(BoolValue? expectCompressed, ServerCallContext context)
    {
        if (expectCompressed?.Value == true && !context.LastRequestWasCompressed())
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Expected a compressed message but received an uncompressed one."));
        }
    }

    private static async Task EchoMetadataAsync(ServerCallContext context)
    {
        if (context.RequestHeaders.Get(EchoTrailingKey) is { } trailing)
        {
            context.ResponseTrailers.Add(trailing);
        }

        if (context.RequestHeaders.Get(EchoInitialKey) is { } initial)
        {
            await context.WriteResponseHeadersAsync(new Metadata { initial });
        }
    }
}
