using Google.Protobuf;
using Pilotdeck.Rpc.Tests.Probe;

namespace Pilotdeck.Rpc.Tests.Calls;

/// <summary>End-to-end calls through our client and server over real HTTP/2 on loopback.</summary>
public sealed class CallTests : IClassFixture<ProbeServerFixture>
{
    private readonly ProbeServerFixture _server;

    public CallTests(ProbeServerFixture server) => _server = server;

    [Fact]
    public async Task Unary_WithAsciiAndBinaryMetadata_HandlerSeesBothAndTrailersComeBack()
    {
        var client = _server.CreateClient();
        var headers = new Metadata().Add("x-tenant-hint", "acme").Add("x-trace-bin", new byte[] { 0xde, 0xad, 0x00, 0xff });
        using var call = client.UnaryAsync(new ProbeRequest { Text = "hi" }, headers);

        var response = await call;

        Assert.Equal("hi", response.Text);
        Assert.Contains("x-tenant-hint=acme", response.SeenHeaders);
        Assert.Contains("x-trace-bin=DEAD00FF", response.SeenHeaders);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal("done", call.GetTrailers().GetValue("probe-trailer"));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, call.GetTrailers().GetValueBytes("probe-trailer-bin"));
    }

    [Fact]
    public async Task Unary_ServerInterceptor_WrapsHandler()
    {
        using var call = _server.CreateClient().UnaryAsync(new ProbeRequest());
        await call;
        Assert.Equal("server", call.GetTrailers().GetValue("intercepted-by"));
    }

    [Fact]
    public async Task Unary_ClientInterceptor_AddsHeaderSeenByServer()
    {
        var client = new ProbeService.ProbeServiceClient(_server.CreateChannel().CreateCallInvoker().Intercept(new HeaderAddingInterceptor()));
        var response = await client.UnaryAsync(new ProbeRequest());
        Assert.Contains("x-added-by=client-interceptor", response.SeenHeaders);
    }

    [Fact]
    public async Task Unary_HandlerThrowsRichError_ClientGetsCodeMessageAndDetails()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await _server.CreateClient().UnaryAsync(new ProbeRequest { Text = "boom", FailWithCode = (int)StatusCode.InvalidArgument }));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("probe failure: boom", ex.Status.Detail);
        Assert.NotNull(ex.RichStatus);
        var info = ex.RichStatus!.Details.Single(d => d.Is(Google.Rpc.ErrorInfo.Descriptor)).Unpack<Google.Rpc.ErrorInfo>();
        Assert.Equal("PROBE_FAILED", info.Type);
        Assert.Equal("pilotdeck", info.Domain);
        var badRequest = ex.RichStatus.Details.Single(d => d.Is(Google.Rpc.BadRequest.Descriptor)).Unpack<Google.Rpc.BadRequest>();
        Assert.Equal("text", badRequest.FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Unary_HandlerThrowsUnexpected_ClientGetsUnknownWithoutInternals()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await _server.CreateClient().UnaryAsync(new ProbeRequest { ThrowUnexpected = true }));

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.DoesNotContain("secret", ex.Status.Detail);
    }

    [Fact]
    public async Task Unary_RequestOverServiceLimit_IsResourceExhausted()
    {
        var request = new ProbeRequest { Blob = ByteString.CopyFrom(new byte[ProbeServerFixture.ProbeMaxReceive + 1]) };
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _server.CreateClient().UnaryAsync(request));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Unary_SameSizeOnServiceWithDefaultLimit_Succeeds()
    {
        // The 1 MiB limit is the probe service's own; the interop service keeps the 4 MiB default.
        var client = new Grpc.Testing.TestService.TestServiceClient(_server.CreateChannel());
        var response = await client.UnaryCallAsync(new Grpc.Testing.SimpleRequest
        {
            ResponseSize = 1,
            Payload = new Grpc.Testing.Payload { Body = ByteString.CopyFrom(new byte[ProbeServerFixture.ProbeMaxReceive + 1]) },
        });
        Assert.Equal(1, response.Payload.Body.Length);
    }

    [Fact]
    public async Task Unary_ResponseOverClientLimit_IsResourceExhausted()
    {
        var client = _server.CreateClient(new GrpcChannelOptions { MaxReceiveMessageSize = 1000 });
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new ProbeRequest { ResponseSize = 5000 }));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Unary_GzipRequestAndResponse_RoundTrip()
    {
        var client = new Grpc.Testing.TestService.TestServiceClient(_server.CreateChannel(new GrpcChannelOptions { RequestCompression = "gzip" }));
        var response = await client.UnaryCallAsync(new Grpc.Testing.SimpleRequest
        {
            ResponseSize = 50_000,
            ResponseCompressed = new Grpc.Testing.BoolValue { Value = true },
            ExpectCompressed = new Grpc.Testing.BoolValue { Value = true },
            Payload = new Grpc.Testing.Payload { Body = ByteString.CopyFrom(new byte[20_000]) },
        });
        Assert.Equal(50_000, response.Payload.Body.Length);
    }

    [Fact]
    public async Task Unary_ClientDeadline_EndsWithDeadlineExceededAndServerTokenCancelled()
    {
        // Warm the connection first so the deadline cannot expire before the request is even sent.
        var client = _server.CreateClient();
        await client.UnaryAsync(new ProbeRequest());

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.UnaryAsync(new ProbeRequest { DelayMs = 10_000 }, deadline: DateTime.UtcNow.AddSeconds(1)));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        await Eventually(() => _server.Observations.CancellationsSeen.Contains(ProbeService.__Method_Unary.FullName));
        Assert.True(_server.Observations.LastDeadline < DateTime.MaxValue);
    }

    [Fact]
    public async Task Unary_UnknownMethodOnKnownService_IsUnimplemented()
    {
        var method = new Method<ProbeRequest, ProbeResponse>(MethodType.Unary, ProbeService.ServiceName, "NoSuchMethod",
            ProbeService.__Method_Unary.RequestMarshaller, ProbeService.__Method_Unary.ResponseMarshaller);
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await _server.CreateChannel().CreateCallInvoker().AsyncUnaryCall(method, default, new ProbeRequest()));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task Unary_UnknownService_IsUnimplemented()
    {
        var method = new Method<ProbeRequest, ProbeResponse>(MethodType.Unary, "nowhere.v1.Nothing", "Call",
            ProbeService.__Method_Unary.RequestMarshaller, ProbeService.__Method_Unary.ResponseMarshaller);
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await _server.CreateChannel().CreateCallInvoker().AsyncUnaryCall(method, default, new ProbeRequest()));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task Unary_NothingListening_IsUnavailable()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var client = new ProbeService.ProbeServiceClient(GrpcChannel.ForAddress($"http://127.0.0.1:{port}"));
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new ProbeRequest()));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task ServerStream_ManyMessages_AllArriveInOrderThenOk()
    {
        using var call = _server.CreateClient().ServerStream(new ProbeRequest { Text = "s", ResponseCount = 500, ResponseSize = 10 });
        var count = 0;
        await foreach (var message in call.ResponseStream.ReadAllAsync())
        {
            Assert.Equal("s", message.Text);
            count++;
        }

        Assert.Equal(500, count);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ClientStream_ManyMessages_ServerCountsThem()
    {
        using var call = _server.CreateClient().ClientStream();
        for (var i = 0; i < 200; i++)
        {
            await call.RequestStream.WriteAsync(new ProbeRequest { Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        await call.RequestStream.CompleteAsync();
        Assert.Equal(200, (await call).ReceivedCount);
    }

    [Fact]
    public async Task Duplex_ClientCancelsMidStream_ServerHandlerIsCancelled()
    {
        var before = _server.Observations.HandlerErrors.Count;
        using var cts = new CancellationTokenSource();
        using var call = _server.CreateClient().Duplex(cancellationToken: cts.Token);
        await call.RequestStream.WriteAsync(new ProbeRequest { Text = "one" });
        Assert.True(await call.ResponseStream.MoveNext());
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await Eventually(() => _server.Observations.HandlerErrors.Count > before);
    }

    [Fact]
    public async Task Duplex_PingPong_EachReplyBeforeNextRequest()
    {
        using var call = _server.CreateClient().Duplex();
        for (var i = 0; i < 20; i++)
        {
            await call.RequestStream.WriteAsync(new ProbeRequest { Text = "ping" + i });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal("ping" + i, call.ResponseStream.Current.Text);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task EveryCall_WritesOneStructuredLogLine()
    {
        await _server.CreateClient().UnaryAsync(new ProbeRequest { Text = "log-me" });
        await Eventually(() => _server.Logs.Lines.Any(l => l.Contains("/pilotdeck.rpctest.v1.ProbeService/Unary", StringComparison.Ordinal) && l.Contains("OK", StringComparison.Ordinal)));
    }

    internal static async Task Eventually(Func<bool> condition)
    {
        // Server-side effects land asynchronously after the client sees the status; poll, bounded.
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }

    private sealed class HeaderAddingInterceptor : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            var headers = new Metadata();
            foreach (var entry in context.Options.Headers ?? [])
            {
                headers.Add(entry);
            }

            headers.Add("x-added-by", "client-interceptor");
            return continuation(request, context with { Options = context.Options.WithHeaders(headers) });
        }
    }
}
