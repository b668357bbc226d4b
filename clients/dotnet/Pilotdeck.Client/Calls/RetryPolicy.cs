using Grpc.Net.Client.Configuration;

namespace Pilotdeck.Client;

/// <summary>
/// The channel's service config: every unary method that is safe to send again gets a retry policy
/// for UNAVAILABLE. Safe means declared <c>NO_SIDE_EFFECTS</c> or <c>IDEMPOTENT</c> in the proto, or
/// a create whose request carries a <c>request_id</c> (the SDK fills one in when the caller did not,
/// see <see cref="RequestIdInterceptor"/>). grpc-dotnet then handles backoff, jitter, the deadline and
/// the per-attempt credentials.
/// </summary>
internal static class RetryPolicy
{
    public static ServiceConfig? For(PilotdeckClientOptions options)
    {
        if (options.MaxRetryAttempts <= 1)
        {
            return null;
        }

        var methods = new MethodConfig
        {
            RetryPolicy = new Grpc.Net.Client.Configuration.RetryPolicy
            {
                MaxAttempts = options.MaxRetryAttempts,
                InitialBackoff = options.InitialBackoff,
                MaxBackoff = options.MaxBackoff,
                BackoffMultiplier = 2,
                RetryableStatusCodes = { Grpc.Core.StatusCode.Unavailable },
            },
        };
        foreach (var method in IdempotencyCatalog.RetryableMethods(typeof(PilotdeckClient).Assembly, typeof(Contracts.System.V1.SystemService).Assembly))
        {
            methods.Names.Add(new MethodName { Service = method.Service, Method = method.Method });
        }

        return new ServiceConfig { MethodConfigs = { methods } };
    }
}
