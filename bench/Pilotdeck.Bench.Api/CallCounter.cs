using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Grpc.Core;
using Grpc.Core.Interceptors;

[assembly: HostingStartup(typeof(Pilotdeck.Bench.Api.CallCountingStartup))]

namespace Pilotdeck.Bench.Api;

/// <summary>
/// Loaded into the real host only by this bench (<c>--hostingStartupAssemblies=Pilotdeck.Bench.Api</c>):
/// registers <see cref="CallCountingInterceptor"/> ahead of the host's own interceptors, so it is
/// the outermost one and sees every call's outcome, including the access interceptor's refusals.
/// </summary>
public sealed class CallCountingStartup : IHostingStartup
{
    public void Configure(IWebHostBuilder builder) =>
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<CallCountingInterceptor>();
            // Hosting startups run before the host registers its own, so this interceptor is added first: outermost.
            services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(o => o.Interceptors.Add<CallCountingInterceptor>());
        });
}

/// <summary>
/// Counts unary calls per method by outcome. h2load sees only the HTTP status, and a refused or
/// failed gRPC call is still HTTP 200 (its grpc-status travels in the trailers), so each h2load
/// run is checked against these counts: every request must have completed here with status OK.
/// Costs one dictionary lookup and one interlocked add per call, the same on both endpoints.
/// </summary>
public sealed class CallCountingInterceptor : Interceptor
{
    private static readonly ConcurrentDictionary<string, Counts> ByMethod = new(StringComparer.Ordinal);

    /// <summary>Set once the interceptor has been built into the host's call pipeline.</summary>
    public static bool Installed { get; private set; }

    public CallCountingInterceptor() => Installed = true;

    public static Counts For(string method) => ByMethod.GetOrAdd(method, _ => new Counts());

    /// <summary>Calls that ended in anything but OK, over all methods.</summary>
    public static long TotalFailed => ByMethod.Values.Sum(c => Interlocked.Read(ref c.Failed));

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var counts = For(context.Method);
        Task<TResponse> task;
        try
        {
            task = continuation(request, context);
        }
        catch
        {
            Interlocked.Increment(ref counts.Failed);
            throw;
        }

        if (task.IsCompletedSuccessfully)
        {
            Record(counts, context);
            return task;
        }

        return AwaitAsync(task, counts, context);
    }

    private static async Task<TResponse> AwaitAsync<TResponse>(Task<TResponse> task, Counts counts, ServerCallContext context)
    {
        try
        {
            var response = await task.ConfigureAwait(false);
            Record(counts, context);
            return response;
        }
        catch
        {
            Interlocked.Increment(ref counts.Failed);
            throw;
        }
    }

    /// <summary>A handler may also end a call by setting a non-OK status without throwing.</summary>
    private static void Record(Counts counts, ServerCallContext context)
    {
        if (context.Status.StatusCode == StatusCode.OK)
        {
            Interlocked.Increment(ref counts.Ok);
        }
        else
        {
            Interlocked.Increment(ref counts.Failed);
        }
    }

    public sealed class Counts
    {
        public long Ok;
        public long Failed;
    }
}
