using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pilotdeck.Bench.Rpc.V1;
using Pilotdeck.Contracts.System.V1;

namespace Pilotdeck.Bench.Rpc;

/// <summary>
/// Spot checks with an independent HTTP/2 client (SocketsHttpHandler, h2c prior knowledge), run
/// before any load: h2load counts HTTP statuses only, and a failed gRPC call is still HTTP 200 with
/// its grpc-status in the trailers. So each gRPC target must answer h2load's exact request with
/// grpc-status 0 and the expected message, each bare endpoint must answer byte for byte like the
/// endpoint it stands in for (status, headers but date, body, trailers), and the host must write
/// its per-request log line for each call.
/// </summary>
internal sealed class Checks(List<string> problems) : IDisposable
{
    private readonly HttpMessageInvoker _http = new(new SocketsHttpHandler());

    public void Dispose() => _http.Dispose();

    public async Task TransportAsync(Uri address)
    {
        var grpc = await SnapshotAsync(Post(new Uri(address, TransportHost.EchoPath), Payloads.EchoRequestFrame));
        var bare = await SnapshotAsync(Post(new Uri(address, TransportHost.BarePath), Payloads.EchoRequestFrame));
        Check(grpc.Text == bare.Text, "grpc-dotnet and bare answer alike", $"\n      grpc-dotnet: {grpc.Text}\n      bare:        {bare.Text}");
        Check(grpc.GrpcStatus == "0" && grpc.Body.AsSpan().SequenceEqual(Payloads.EchoResponseFrame), "grpc-dotnet Echo -> grpc-status 0, expected message",
            $"grpc-status {grpc.GrpcStatus ?? "(none)"}, {EchoResponse.Parser.ParseFrom(grpc.Body.AsSpan(Math.Min(5, grpc.Body.Length)))}");
    }

    /// <summary>The host's gRPC and JSON routes; also primes the bare JSON endpoint with the transcoded answer.</summary>
    public async Task HostAsync(RealHost host, HostConsole console)
    {
        var grpcLines = console.Count(LogMarkers.Grpc);
        var linesBefore = grpcLines();
        var grpc = await SnapshotAsync(Post(new Uri(host.Address, RealHost.GrpcPath), Payloads.EmptyMessageFrame));
        var info = grpc.Body.Length > 5 ? GetServerInfoResponse.Parser.ParseFrom(grpc.Body.AsSpan(5)) : null;
        Check(grpc.Status == 200 && grpc.GrpcStatus == "0" && info?.Services.Count > 0, "host GetServerInfo -> grpc-status 0 with services",
            $"HTTP {grpc.Status}, grpc-status {grpc.GrpcStatus ?? "(none)"}, {grpc.Body.Length} B body, {info?.Services.Count ?? 0} services, version {info?.Version}");

        var json = await SnapshotAsync(Get(new Uri(host.Address, RealHost.JsonPath)));
        var contentType = json.ContentType ?? "";
        var parsed = Parse(json.Body);
        Check(json.Status == 200 && contentType.StartsWith("application/json", StringComparison.Ordinal) && parsed?.TryGetProperty("services", out _) == true,
            $"host GET {RealHost.JsonPath} (transcoded) -> 200 JSON with services", $"HTTP {json.Status}, {contentType}, {json.Body.Length} B");
        RealHost.SetBareJson(json.Body, contentType);
        var bare = await SnapshotAsync(Get(new Uri(host.Address, RealHost.BareJsonPath)));
        Check(json.Text == bare.Text, $"bare GET {RealHost.BareJsonPath} answers like the transcoded route", $"\n      transcoded: {Shorten(json.Text)}\n      bare:       {Shorten(bare.Text)}");

        if (host.LogsRequests)
        {
            // The console sink writes the line as the request ends, just before the response leaves.
            for (var wait = 0; wait < 50 && grpcLines() == linesBefore; wait++)
            {
                await Task.Delay(20);
            }

            Check(grpcLines() == linesBefore + 1, "host wrote one request-log line for the gRPC call", $"{grpcLines() - linesBefore} line(s) with '{LogMarkers.Grpc}'");
        }
    }

    private void Check(bool ok, string what, string detail)
    {
        Out.Line($"  {(ok ? "ok  " : "FAIL")} {what}: {detail}");
        if (!ok)
        {
            problems.Add($"check: {what}");
        }
    }

    private static JsonElement? Parse(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";

    private async Task<Snapshot> SnapshotAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request, CancellationToken.None);
            var body = await response.Content.ReadAsByteArrayAsync();
            var trailers = response.TrailingHeaders.NonValidated;
            var grpcStatus = trailers.TryGetValues("grpc-status", out var values) ? values.ToString()
                : response.Headers.NonValidated.TryGetValues("grpc-status", out var inHeaders) ? inHeaders.ToString() : null;
            var text = new StringBuilder()
                .Append((int)response.StatusCode).Append(" headers[")
                .AppendJoin(", ", Headers(response.Headers, response.Content.Headers))
                .Append("] body ").Append(body.Length).Append(" B ").Append(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))[..16])
                .Append(" trailers[").AppendJoin(", ", Headers(response.TrailingHeaders)).Append(']')
                .ToString();
            return new Snapshot((int)response.StatusCode, grpcStatus, response.Content.Headers.ContentType?.ToString(), body, text);
        }
    }

    private static IEnumerable<string> Headers(params HttpHeaders[] sets) =>
        sets.SelectMany(h => h.NonValidated)
            .Where(h => !h.Key.Equals("date", StringComparison.OrdinalIgnoreCase))
            .Select(h => $"{h.Key.ToLowerInvariant()}: {h.Value}")
            .Order(StringComparer.Ordinal);

    /// <summary>What h2load sends for a gRPC target: POST, the framed body, content-type and te.</summary>
    private static HttpRequestMessage Post(Uri uri, byte[] frame)
    {
        var content = new ByteArrayContent(frame);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Content = content };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    private static HttpRequestMessage Get(Uri uri) =>
        new(HttpMethod.Get, uri) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

    private sealed record Snapshot(int Status, string? GrpcStatus, string? ContentType, byte[] Body, string Text);
}

/// <summary>
/// What the host's request-log line says for a successful call of each route, as the console sink
/// renders Logging.cs's template "{RequestMethod} {RequestPath} -> {Outcome} in ...". A gRPC call's
/// outcome is its grpc-status, so counting these lines counts the calls that completed OK.
/// </summary>
internal static class LogMarkers
{
    public const string Grpc = "POST " + RealHost.GrpcPath + " -> grpc-status 0 in";
    public const string Json = "GET " + RealHost.JsonPath + " -> 200 in";
    public const string BareJson = "GET " + RealHost.BareJsonPath + " -> 200 in";
}
