using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Pilotdeck.Bench.Rpc.V1;
using Pilotdeck.Rpc;

namespace Pilotdeck.Bench.Rpc;

/// <summary>A fixed number of calls or messages, timed, with per-call latencies where there are calls.</summary>
internal sealed record ClientResult(string Name, long Count, TimeSpan Elapsed, double P50Micros, double P99Micros, ProcessCost Cost)
{
    public double PerSecond => Count / Elapsed.TotalSeconds;

    public double AllocatedBytesPerItem => (double)Cost.AllocatedBytes / Count;
}

/// <summary>
/// Our client against our server, and the same traffic sent by a bare HttpMessageInvoker (same
/// SocketsHttpHandler settings as GrpcChannel) as the baseline. Client and server share the process.
/// </summary>
internal sealed class ClientBench : IDisposable
{
    private readonly Uri _address;
    private readonly GrpcChannel _channel;
    private readonly BenchService.BenchServiceClient _client;
    private readonly HttpMessageInvoker _raw;

    public ClientBench(Uri address)
    {
        _address = address;
        _channel = GrpcChannel.ForAddress(address);
        _client = new BenchService.BenchServiceClient(_channel);
        // The handler GrpcChannel builds for itself (src/Pilotdeck.Rpc/Client/GrpcChannel.cs).
        _raw = new HttpMessageInvoker(new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
        });
    }

    public Task<ClientResult> GrpcUnaryAsync(int callers, int calls) =>
        RunCallersAsync("GrpcChannel unary", callers, calls, async () =>
        {
            var response = await _client.EchoAsync(Payloads.EchoRequest);
            if (response.Id != Payloads.EchoRequest.Id)
            {
                throw new InvalidOperationException("Wrong echo response.");
            }
        });

    /// <summary>The same request as GrpcChannel sends, without the gRPC layer: POST the frame, read the body and the trailers.</summary>
    public Task<ClientResult> RawUnaryAsync(int callers, int calls)
    {
        var uri = new Uri(_address, BenchHost.UnaryPath);
        return RunCallersAsync("raw HttpMessageInvoker", callers, calls, async () =>
        {
            var buffer = new byte[256];
            using var response = await _raw.SendAsync(NewRequest(uri, Payloads.EchoRequestFrame), CancellationToken.None);
            await using var body = await response.Content.ReadAsStreamAsync();
            var read = 0;
            int n;
            while ((n = await body.ReadAsync(buffer.AsMemory(read))) > 0)
            {
                read += n;
            }

            if (response.StatusCode != HttpStatusCode.OK || read != Payloads.EchoResponseFrame.Length || !IsOk(response))
            {
                throw new InvalidOperationException("Wrong raw response.");
            }
        });
    }

    public async Task<ClientResult> GrpcStreamAsync(int messages, int payloadSize)
    {
        var before = ProcessCost.Now();
        var started = Stopwatch.GetTimestamp();
        using var call = _client.StreamItems(new StreamItemsRequest { Count = messages, PayloadSize = payloadSize });
        long received = 0;
        while (await call.ResponseStream.MoveNext())
        {
            received++;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        if (received != messages || call.GetStatus().StatusCode != StatusCode.OK)
        {
            throw new InvalidOperationException($"Streamed {received} of {messages} messages, status {call.GetStatus()}.");
        }

        return new ClientResult("GrpcChannel <- runtime", received, elapsed, double.NaN, double.NaN, ProcessCost.Now() - before);
    }

    /// <summary>Reads a stream by counting frame prefixes only: no message objects, no gRPC layer on the client.</summary>
    public async Task<ClientResult> RawStreamAsync(string path, int messages, int payloadSize)
    {
        var before = ProcessCost.Now();
        var started = Stopwatch.GetTimestamp();
        var frame = Payloads.Frame(new StreamItemsRequest { Count = messages, PayloadSize = payloadSize });
        using var response = await _raw.SendAsync(NewRequest(new Uri(_address, path), frame), CancellationToken.None);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long received = 0;
        int filled = 0;
        int n;
        while ((n = await body.ReadAsync(buffer.AsMemory(filled))) > 0)
        {
            filled += n;
            var at = 0;
            while (filled - at >= 5)
            {
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(at + 1));
                if (filled - at < 5 + length)
                {
                    break;
                }

                at += 5 + length;
                received++;
            }

            buffer.AsSpan(at, filled - at).CopyTo(buffer);
            filled -= at;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        if (received != messages || !IsOk(response))
        {
            throw new InvalidOperationException($"Streamed {received} of {messages} messages from {path}.");
        }

        var name = path == BenchHost.BareStreamPath ? "raw reader <- bare Kestrel" : "raw reader <- runtime";
        return new ClientResult(name, received, elapsed, double.NaN, double.NaN, ProcessCost.Now() - before);
    }

    private static HttpRequestMessage NewRequest(Uri uri, byte[] frame)
    {
        var content = new ByteArrayContent(frame);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    private static bool IsOk(HttpResponseMessage response) =>
        response.TrailingHeaders.TryGetValues("grpc-status", out var values) && values.SingleOrDefault() == "0";

    /// <summary>
    /// <paramref name="callers"/> tasks share one counter and one channel until <paramref name="calls"/>
    /// calls have been made; each call's latency goes into a preallocated slot.
    /// </summary>
    private static async Task<ClientResult> RunCallersAsync(string name, int callers, int calls, Func<Task> call)
    {
        var latencies = new double[calls];
        var issued = -1;
        var before = ProcessCost.Now();
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int slot;
            while ((slot = Interlocked.Increment(ref issued)) < calls)
            {
                var t0 = Stopwatch.GetTimestamp();
                await call();
                latencies[slot] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cost = ProcessCost.Now() - before;
        Array.Sort(latencies);
        return new ClientResult(name, calls, elapsed, Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 99), cost);
    }

    public void Dispose()
    {
        _channel.Dispose();
        _raw.Dispose();
    }
}
