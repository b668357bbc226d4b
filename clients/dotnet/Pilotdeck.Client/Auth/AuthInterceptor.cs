using System.Net;
using Pilotdeck.Rpc;

namespace Pilotdeck.Client;

/// <summary>
/// Puts <c>authorization: Bearer …</c> on every call. A unary call the server rejects with
/// UNAUTHENTICATED / <c>TOKEN_EXPIRED</c> is sent once more after a forced renewal: the server
/// refused it before running it, so repeating it is safe even for non-idempotent methods.
/// Runs innermost, so every retry attempt carries the then-current token.
/// </summary>
internal sealed class AuthInterceptor(TokenManager tokens) : Interceptor
{
    private const string TokenExpired = "TOKEN_EXPIRED";

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        DeferredCalls.Unary<TResponse>(context.Options.CancellationToken, async (attempts, cancellationToken) =>
        {
            var token = await GetTokenAsync(context.Options, cancellationToken, rejected: null).ConfigureAwait(false);
            try
            {
                return await attempts.RunAsync(() => continuation(request, WithToken(context, token, cancellationToken))).ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated && PilotdeckErrors.ReasonOf(ex) == TokenExpired)
            {
                var renewed = await GetTokenAsync(context.Options, cancellationToken, rejected: token).ConfigureAwait(false);
                if (renewed.AccessToken == token.AccessToken)
                {
                    // Nothing to renew with (stored tokens without a refresh token): the caller must sign in again.
                    throw;
                }

                return await attempts.RunAsync(() => continuation(request, WithToken(context, renewed, cancellationToken))).ConfigureAwait(false);
            }
        });

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        DeferredCalls.ServerStreaming(context.Options.CancellationToken, async cancellationToken =>
            continuation(request, WithToken(context, await GetTokenAsync(context.Options, cancellationToken, null).ConfigureAwait(false), cancellationToken)));

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
        DeferredCalls.ClientStreaming(context.Options.CancellationToken, async cancellationToken =>
            continuation(WithToken(context, await GetTokenAsync(context.Options, cancellationToken, null).ConfigureAwait(false), cancellationToken)));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
        DeferredCalls.DuplexStreaming(context.Options.CancellationToken, async cancellationToken =>
            continuation(WithToken(context, await GetTokenAsync(context.Options, cancellationToken, null).ConfigureAwait(false), cancellationToken)));

    /// <summary>
    /// Gets a token within the call's deadline. Transport failures become UNAVAILABLE, so an
    /// idempotent call retries them like any other; refusals stay <see cref="PilotdeckAuthException"/>.
    /// </summary>
    private async Task<TokenSet> GetTokenAsync(CallOptions options, CancellationToken cancellationToken, TokenSet? rejected)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Deadline is { } deadline)
        {
            var remaining = deadline.ToUniversalTime() - DateTime.UtcNow;
            bounded.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }

        try
        {
            return rejected is null
                ? await tokens.GetAsync(bounded.Token).ConfigureAwait(false)
                : await tokens.RenewRejectedAsync(rejected, bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded while obtaining an access token."));
        }
        catch (OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client while obtaining an access token."));
        }
        catch (HttpRequestException ex)
        {
            // No answer, or a gateway's: worth retrying. Any other unexpected answer is not.
            var code = ex.StatusCode is null or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests
                ? StatusCode.Unavailable
                : StatusCode.Internal;
            throw new RpcException(new Status(code, "Could not obtain an access token: " + ex.Message));
        }
    }

    private static ClientInterceptorContext<TRequest, TResponse> WithToken<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, TokenSet token, CancellationToken cancellationToken)
        where TRequest : class
        where TResponse : class
    {
        var headers = new Metadata();
        if (context.Options.Headers is { } existing)
        {
            foreach (var entry in existing)
            {
                if (entry.Key != "authorization")
                {
                    headers.Add(entry);
                }
            }
        }

        headers.Add("authorization", "Bearer " + token.AccessToken);
        return context with { Options = context.Options.WithHeaders(headers).WithCancellationToken(cancellationToken) };
    }
}
