using System.Net;
using System.Net.Http.Headers;
using Pilotdeck.Contracts.Identity.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Health.V1;
using IdentityClient = Pilotdeck.Contracts.Identity.V1.IdentityService.IdentityServiceClient;

namespace Pilotdeck.Bench.Api;

/// <summary>
/// Spot checks through real clients, run before and after the load: the endpoints answer what they
/// should with grpc-status 0, the exact request h2load sends is accepted, and authentication is
/// really enforced (a missing or tampered token is refused), so the authenticated figures cannot
/// come from a path that skipped it.
/// </summary>
internal static class Checks
{
    public static async Task<List<string>> RunAsync(ServerUnderTest server, string when)
    {
        var problems = new List<string>();
        void Check(bool ok, string what, string detail)
        {
            Console.WriteLine($"  [{when}] {(ok ? "ok  " : "FAIL")} {what}: {detail}");
            if (!ok)
            {
                problems.Add($"{server.Provider} {when}: {what}: {detail}");
            }
        }

        using var channel = GrpcChannel.ForAddress(server.Address);
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Check(health.Status == HealthCheckResponse.Types.ServingStatus.Serving, "GrpcChannel Health/Check", health.ToString());

        var identity = new IdentityClient(channel);
        var bearer = new Metadata { { "authorization", "Bearer " + server.AccessToken } };
        var caller = await identity.GetCallerIdentityAsync(new GetCallerIdentityRequest(), bearer);
        Check(caller.Subject == server.ClientId && caller.TenantId == ServerUnderTest.TenantId && caller.IsApiClient && caller.Scopes.SequenceEqual([ServerUnderTest.ClientScope]),
            "GrpcChannel GetCallerIdentity with the token", caller.ToString());

        var missing = await StatusOfAsync(() => identity.GetCallerIdentityAsync(new GetCallerIdentityRequest()).ResponseAsync);
        Check(missing == StatusCode.Unauthenticated, "GetCallerIdentity without a token is refused", missing.ToString());

        var tampered = server.AccessToken[..^4] + (server.AccessToken.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        var forged = await StatusOfAsync(() => identity.GetCallerIdentityAsync(new GetCallerIdentityRequest(), new Metadata { { "authorization", "Bearer " + tampered } }).ResponseAsync);
        Check(forged == StatusCode.Unauthenticated, "GetCallerIdentity with a bad signature is refused", forged.ToString());

        // The bytes and headers h2load sends, through an independent HTTP/2 client.
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        foreach (var endpoint in new[] { BenchTarget.Unauthenticated(), BenchTarget.Authenticated(server.AccessToken) })
        {
            var (status, grpcStatus, bodyLength) = await RawCallAsync(invoker, new Uri(server.Address, endpoint.Path), endpoint.Headers);
            Check(status == HttpStatusCode.OK && grpcStatus == "0" && bodyLength > 5, $"raw h2load request to {endpoint.Path}", $"HTTP {(int)status}, grpc-status {grpcStatus ?? "(none)"}, {bodyLength} B body");
        }

        return problems;
    }

    private static async Task<StatusCode> StatusOfAsync(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    private static async Task<(HttpStatusCode Status, string? GrpcStatus, int BodyLength)> RawCallAsync(HttpMessageInvoker invoker, Uri uri, IReadOnlyList<string> headers)
    {
        var content = new ByteArrayContent(BenchTarget.EmptyMessageFrame);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var header in headers)
        {
            var (name, value) = header.Split(':', 2) is [var n, var v] ? (n.Trim(), v.Trim()) : throw new ArgumentException(header);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await invoker.SendAsync(request, CancellationToken.None);
        var body = await response.Content.ReadAsByteArrayAsync();
        var grpcStatus = response.TrailingHeaders.TryGetValues("grpc-status", out var values) ? values.FirstOrDefault()
            : response.Headers.TryGetValues("grpc-status", out var inHeaders) ? inHeaders.FirstOrDefault() : null;
        return (response.StatusCode, grpcStatus, body.Length);
    }
}
