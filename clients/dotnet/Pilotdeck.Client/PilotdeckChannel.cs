using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Pilotdeck.Client;

/// <summary>
/// What makes a channel a Pilotdeck channel, shared by <see cref="PilotdeckClient"/> and
/// <see cref="PilotdeckServiceCollectionExtensions.AddPilotdeckClient"/>: the retry service config,
/// the send limit, the access token as call credentials, and the interceptors, outermost first.
/// </summary>
internal static class PilotdeckChannel
{
    public static void Validate(PilotdeckClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.ServerUrl);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRetryAttempts, 1);
        if (options.DefaultDeadline <= TimeSpan.Zero && options.DefaultDeadline != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "DefaultDeadline must be positive or Timeout.InfiniteTimeSpan.");
        }

        if (options.MaxSendMessageBytes is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxSendMessageBytes must be positive, or null to leave the limit to the server.");
        }

        if (options.InitialBackoff < TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Backoffs must satisfy 0 <= InitialBackoff <= MaxBackoff.");
        }
    }

    public static void Configure(GrpcChannelOptions channel, PilotdeckClientOptions options, TokenManager? tokens)
    {
        channel.ServiceConfig = RetryPolicy.For(options);
        channel.MaxRetryAttempts = Math.Max(options.MaxRetryAttempts, 1);
        channel.MaxSendMessageSize = options.MaxSendMessageBytes;
        if (tokens is not null)
        {
            var transport = options.ServerUrl.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
            channel.Credentials = ChannelCredentials.Create(transport, BearerTokenCredentials.Create(tokens));
            // h2c on loopback or inside a trusted network is how Pilotdeck runs by default.
            channel.UnsafeUseInsecureChannelCallCredentials = true;
        }
    }

    /// <summary>Default deadline (outermost), request ids for creates, renewal of a token the server found expired (innermost).</summary>
    public static IReadOnlyList<Interceptor> Interceptors(PilotdeckClientOptions options, TokenManager? tokens) =>
        tokens is null
            ? [new DefaultDeadlineInterceptor(options.DefaultDeadline), new RequestIdInterceptor()]
            : [new DefaultDeadlineInterceptor(options.DefaultDeadline), new RequestIdInterceptor(), new ExpiredTokenInterceptor(tokens)];
}
