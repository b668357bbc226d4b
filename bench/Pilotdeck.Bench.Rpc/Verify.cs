using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Pilotdeck.Bench.Rpc.V1;
using Pilotdeck.Rpc;

namespace Pilotdeck.Bench.Rpc;

/// <summary>
/// Before anything is timed: both endpoints must answer the bench request with the same status,
/// headers, body bytes and trailers, and the runtime must answer our typed client and curl.
/// </summary>
internal static class Verify
{
    public static async Task<List<string>> RunAsync(Uri address, string bodyFile)
    {
        var problems = new List<string>();
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        var runtime = await SnapshotAsync(invoker, new Uri(address, BenchHost.UnaryPath));
        var bare = await SnapshotAsync(invoker, new Uri(address, BenchHost.BarePath));
        Console.WriteLine($"  runtime: {runtime}");
        Console.WriteLine($"  bare:    {bare}");
        if (runtime != bare)
        {
            problems.Add("runtime and bare responses differ (see above)");
        }

        if (!runtime.Contains("trailers[grpc-status: 0]", StringComparison.Ordinal))
        {
            problems.Add("runtime did not end with grpc-status 0");
        }

        using (var channel = GrpcChannel.ForAddress(address))
        {
            var client = new BenchService.BenchServiceClient(channel);
            var response = await client.EchoAsync(Payloads.EchoRequest);
            var expected = Payloads.EchoResponseFor(Payloads.EchoRequest);
            Console.WriteLine($"  GrpcChannel Echo -> {response}");
            if (!response.Equals(expected))
            {
                problems.Add($"typed client got {response}, expected {expected}");
            }

            using var stream = client.StreamItems(new StreamItemsRequest { Count = 3, PayloadSize = 4 });
            var sequences = new List<long>();
            while (await stream.ResponseStream.MoveNext())
            {
                sequences.Add(stream.ResponseStream.Current.Sequence);
            }

            if (!sequences.SequenceEqual([0L, 1, 2]) || stream.GetStatus().StatusCode != StatusCode.OK)
            {
                problems.Add("StreamItems(3) did not stream 0,1,2 with OK");
            }
        }

        foreach (var path in new[] { BenchHost.StreamPath, BenchHost.BareStreamPath })
        {
            var frame = Payloads.Frame(new StreamItemsRequest { Count = 300, PayloadSize = 32 });
            using var request = NewRequest(new Uri(address, path), frame);
            using var response = await invoker.SendAsync(request, CancellationToken.None);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Console.WriteLine($"  {path} (300 x 32 B): {bytes.Length} bytes, sha256 {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..16]}");
        }

        await CurlAsync(address, bodyFile, problems);
        return problems;
    }

    /// <summary>The independent check: curl (nghttp2 inside) with prior-knowledge h2c, headers and trailers dumped.</summary>
    private static async Task CurlAsync(Uri address, string bodyFile, List<string> problems)
    {
        var curl = new[] { "/usr/bin/curl", "/bin/curl" }.FirstOrDefault(File.Exists);
        if (curl is null)
        {
            Console.WriteLine("  curl not found; skipped the curl spot check");
            return;
        }

        foreach (var path in new[] { BenchHost.UnaryPath, BenchHost.BarePath })
        {
            var bodyOut = Path.GetTempFileName();
            try
            {
                var headers = await H2Load.RunProcessAsync(curl,
                [
                    "-sS", "--http2-prior-knowledge", "--max-time", "10",
                    "-H", "content-type: application/grpc", "-H", "te: trailers",
                    "--data-binary", "@" + bodyFile, "-D", "-", "-o", bodyOut,
                    new Uri(address, path).ToString(),
                ], TimeSpan.FromSeconds(20));
                var body = await File.ReadAllBytesAsync(bodyOut);
                var lines = headers.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var ok = lines.Contains("HTTP/2 200") && lines.Contains("grpc-status: 0") && body.AsSpan().SequenceEqual(Payloads.EchoResponseFrame);
                Console.WriteLine($"  curl {path}: {string.Join(" | ", lines.Where(l => !l.StartsWith("date:", StringComparison.OrdinalIgnoreCase)))} | body {Convert.ToHexString(body)} -> {(ok ? "ok" : "WRONG")}");
                if (!ok)
                {
                    problems.Add($"curl {path} did not get 200 + grpc-status 0 + the expected body");
                }
            }
            finally
            {
                File.Delete(bodyOut);
            }
        }
    }

    private static async Task<string> SnapshotAsync(HttpMessageInvoker invoker, Uri uri)
    {
        using var request = NewRequest(uri, Payloads.EchoRequestFrame);
        using var response = await invoker.SendAsync(request, CancellationToken.None);
        var body = await response.Content.ReadAsByteArrayAsync();
        var text = new StringBuilder();
        text.Append(CultureInfo((int)response.StatusCode)).Append(' ');
        text.Append("headers[").AppendJoin(", ", Headers(response.Headers, response.Content.Headers)).Append("] ");
        text.Append("body ").Append(Convert.ToHexString(body)).Append(' ');
        text.Append("trailers[").AppendJoin(", ", Headers(response.TrailingHeaders)).Append(']');
        return text.ToString();
    }

    private static string CultureInfo(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static IEnumerable<string> Headers(params HttpHeaders[] sets) =>
        sets.SelectMany(h => h)
            .Where(h => !h.Key.Equals("date", StringComparison.OrdinalIgnoreCase))
            .Select(h => $"{h.Key.ToLowerInvariant()}: {string.Join(",", h.Value)}")
            .Order(StringComparer.Ordinal);

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
}
