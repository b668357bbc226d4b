using Pilotdeck.Rpc;

namespace Pilotdeck.Client;

/// <summary>
/// Sends an idempotent unary call again when it fails with UNAVAILABLE (server restarting, connection
/// refused, token endpoint unreachable), with exponentially growing, jittered and capped backoff.
/// Nothing is retried once the next attempt would start after the call's deadline. Streaming calls
/// and non-idempotent calls pass straight through: repeating them could repeat their side effects.
/// </summary>
internal sealed class RetryInterceptor(int maxAttempts, TimeSpan initialBackoff, TimeSpan maxBackoff) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (maxAttempts <= 1 || !IdempotencyCatalog.IsRetryable(context.Method, request))
        {
            return continuation(request, context);
        }

        return DeferredCalls.Unary<TResponse>(context.Options.CancellationToken, async (attempts, cancellationToken) =>
        {
            // Attempts are disposed with the logical call, so they share its cancellation.
            var attemptContext = context with { Options = context.Options.WithCancellationToken(cancellationToken) };
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await attempts.RunAsync(() => continuation(request, attemptContext)).ConfigureAwait(false);
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && attempt < maxAttempts)
                {
                    var delay = Backoff(attempt);
                    if (context.Options.Deadline is { } deadline && DateTime.UtcNow + delay >= deadline.ToUniversalTime())
                    {
                        throw;
                    }

                    try
                    {
                        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        throw new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client while waiting to retry."));
                    }
                }
            }
        });
    }

    /// <summary>Between half and all of initial × 2^(retry-1), capped: spreads clients apart without ever retrying at once.</summary>
    internal TimeSpan Backoff(int retry)
    {
        var ceiling = Math.Min(maxBackoff.TotalMilliseconds, initialBackoff.TotalMilliseconds * Math.Pow(2, retry - 1));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }
}
