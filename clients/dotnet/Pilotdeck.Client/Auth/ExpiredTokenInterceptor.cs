using Grpc.Core;
using Grpc.Core.Interceptors;
using Pilotdeck.Contracts.Api.V1;

namespace Pilotdeck.Client;

/// <summary>
/// A unary call the server rejects with UNAUTHENTICATED / <c>TOKEN_EXPIRED</c> (our clock said the
/// token was still good) is sent once more after a forced renewal. The server refused it before
/// running it, so repeating it is safe even for a method that is not idempotent. A retry policy
/// cannot express this (it retries by status code alone), hence an interceptor.
/// </summary>
internal sealed class ExpiredTokenInterceptor(TokenManager tokens) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var used = tokens.Current;
        var current = continuation(request, context);
        async Task<TResponse> RespondAsync()
        {
            try
            {
                return await current.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated && PilotdeckErrors.ErrorReasonOf(ex) == ErrorReason.TokenExpired && used is not null)
            {
                var renewed = await tokens.RenewRejectedAsync(used, context.Options.CancellationToken).ConfigureAwait(false);
                if (renewed.AccessToken == used.AccessToken)
                {
                    // Nothing to renew with (stored tokens without a refresh token): the caller must sign in again.
                    throw;
                }

                current.Dispose();
                current = continuation(request, context);
                return await current.ResponseAsync.ConfigureAwait(false);
            }
        }

        var response = RespondAsync();
        return new AsyncUnaryCall<TResponse>(response, HeadersAsync(response, () => current), () => current.GetStatus(), () => current.GetTrailers(), () => current.Dispose());
    }

    // Which attempt's headers count is only known once the call is done.
    private static async Task<Metadata> HeadersAsync<TResponse>(Task<TResponse> response, Func<AsyncUnaryCall<TResponse>> current)
    {
        try
        {
            await response.ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // The status says what went wrong; the headers are whatever the last attempt got.
        }

        return await current().ResponseHeadersAsync.ConfigureAwait(false);
    }
}
