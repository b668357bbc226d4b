using System.Net;
using Grpc.Core;

namespace Pilotdeck.Client;

/// <summary>
/// Puts <c>authorization: Bearer …</c> on every call attempt as gRPC call credentials, so every
/// retry carries the then-current token. Token-endpoint failures become the call's status:
/// no answer (or a gateway's) is UNAVAILABLE, which an idempotent call retries; a refusal is
/// UNAUTHENTICATED with the <see cref="PilotdeckAuthException"/> as the status' debug exception.
/// </summary>
internal static class BearerTokenCredentials
{
    public static CallCredentials Create(TokenManager tokens) => CallCredentials.FromInterceptor(async (context, metadata) =>
    {
        var token = await GetTokenAsync(tokens, context.CancellationToken).ConfigureAwait(false);
        metadata.Add("authorization", "Bearer " + token.AccessToken);
    });

    private static async Task<TokenSet> GetTokenAsync(TokenManager tokens, CancellationToken cancellationToken)
    {
        try
        {
            return await tokens.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            // Signed out: the credentials are not used to sign in again behind the caller's back.
            throw new RpcException(new Status(StatusCode.Unauthenticated, ex.Message, ex));
        }
        catch (PilotdeckAuthException ex)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "The token endpoint refused: " + ex.Message, ex));
        }
        catch (HttpRequestException ex)
        {
            var code = ex.StatusCode is null or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests
                ? StatusCode.Unavailable
                : StatusCode.Internal;
            throw new RpcException(new Status(code, "Could not obtain an access token: " + ex.Message, ex));
        }
    }
}
