import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { PilotdeckAuthError } from '../credentials.js';
import { reasonOf } from '../errors.js';
import type { TokenManager } from './token-manager.js';

/**
 * Puts the current access token on every call. A unary call the server refuses with
 * UNAUTHENTICATED / TOKEN_EXPIRED (our clock thought the token good) is sent once more after a
 * forced renewal: the server refused it before running it, so even a non-idempotent call is safe
 * to repeat. Streaming calls are not repeated; their request stream is already spent.
 */
export function authInterceptor(tokens: TokenManager): Interceptor {
  return next => async req => {
    const used = await tokenFor(() => tokens.get(req.signal));
    req.header.set('authorization', `Bearer ${used.accessToken}`);
    try {
      return await next(req);
    } catch (error) {
      if (req.stream || ConnectError.from(error).code !== Code.Unauthenticated || reasonOf(error) !== 'TOKEN_EXPIRED') throw error;
      const renewed = await tokenFor(() => tokens.renewRejected(used, req.signal));
      // Nothing to renew with (stored tokens without a refresh token): the caller must sign in again.
      if (renewed.accessToken === used.accessToken) throw error;
      req.header.set('authorization', `Bearer ${renewed.accessToken}`);
      return next(req);
    }
  };
}

/**
 * Token failures as gRPC statuses: a refusal by the token endpoint (invalid_client, invalid_grant)
 * is UNAUTHENTICATED, with the PilotdeckAuthError as cause; an unreachable endpoint is UNAVAILABLE,
 * which the retry interceptor repeats for idempotent calls.
 */
async function tokenFor<T>(obtain: () => Promise<T>): Promise<T> {
  try {
    return await obtain();
  } catch (error) {
    if (error instanceof ConnectError) throw error;
    if (error instanceof PilotdeckAuthError) {
      throw new ConnectError(`token endpoint refused: ${error.message}`, Code.Unauthenticated, undefined, undefined, error);
    }
    if (error instanceof Error && error.name === 'AbortError') throw ConnectError.from(error, Code.DeadlineExceeded);
    throw new ConnectError(`token endpoint unreachable: ${String(error instanceof Error ? error.message : error)}`, Code.Unavailable, undefined, undefined, error);
  }
}
