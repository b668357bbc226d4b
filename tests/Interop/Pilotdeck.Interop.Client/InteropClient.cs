using Grpc.Testing;
using Pilotdeck.Rpc;

namespace Pilotdeck.Interop.Client;

/// <summary>The outcome of one case: <see cref="Failure"/> is the reason printed after <c>FAIL name:</c>.</summary>
public sealed record CaseResult(string Name, string? Failure, IReadOnlyList<string> Notes)
{
    public bool Passed => Failure is null;
}

/// <summary>
/// Runs interop cases against one server over one channel. The executable and the xunit
/// driver both use it, so the in-process results are exactly what the command line prints.
/// </summary>
public sealed class InteropClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly WireTap _tap;
    private readonly TestService.TestServiceClient _client;
    private readonly UnimplementedService.UnimplementedServiceClient _unimplemented;

    public InteropClient(string host, int port, string? authorityOverride = null)
    {
        var sockets = new SocketsHttpHandler
        {
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            EnableMultipleHttp2Connections = true,
        };
        _tap = new WireTap(authorityOverride is null ? sockets : new AuthorityOverride(sockets, authorityOverride));
        _channel = GrpcChannel.ForAddress($"http://{host}:{port}", new GrpcChannelOptions { HttpHandler = _tap });
        _client = new TestService.TestServiceClient(_channel);
        _unimplemented = new UnimplementedService.UnimplementedServiceClient(_channel);
    }

    public static IReadOnlyList<string> CaseNames { get; } = InteropCases.All.Select(c => c.Name).ToArray();

    /// <summary>Runs one case; never throws for a case failure. After <paramref name="timeout"/> the case's calls are cancelled and it fails.</summary>
    public async Task<CaseResult> RunAsync(string name, TimeSpan timeout)
    {
        var @case = InteropCases.Find(name) ?? throw new ArgumentException($"Unknown interop case '{name}'.", nameof(name));
        using var watchdog = new CancellationTokenSource();
        var context = new CaseContext(_client, _unimplemented, _tap, watchdog.Token);
        var run = Task.Run(() => @case.Run(context));
        var timer = Task.Delay(timeout);
        if (await Task.WhenAny(run, timer).ConfigureAwait(false) == timer)
        {
            await watchdog.CancelAsync().ConfigureAwait(false);
            // Let the cancelled calls unwind so nothing of this case overlaps the next one.
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
            return new CaseResult(name, $"no result within {timeout.TotalMilliseconds:0} ms", context.Notes);
        }

        try
        {
            await run.ConfigureAwait(false);
            return new CaseResult(name, null, context.Notes);
        }
        catch (CaseFailedException ex)
        {
            return new CaseResult(name, ex.Message, context.Notes);
        }
        catch (RpcException ex)
        {
            // A call the case expected to succeed without wrapping it in Expect.Ok (e.g. a write).
            return new CaseResult(name, $"unexpected status {Expect.Describe(ex.Status)}\n{ex.StackTrace}", context.Notes);
        }
        catch (Exception ex)
        {
            return new CaseResult(name, $"unexpected {ex}", context.Notes);
        }
    }

    public void Dispose()
    {
        _channel.Dispose();
        _tap.Dispose();
    }

    /// <summary>Sets <c>:authority</c>, as --server_host_override does for the other peers.</summary>
    private sealed class AuthorityOverride(HttpMessageHandler inner, string authority) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Host = authority;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
