import { PilotdeckAuthError, type Credentials, type TokenSet } from '../credentials.js';
import { jwtClaim } from './jwt.js';
import { MAX_RENEW_AHEAD_MS, renewAheadFor, type HeldTokens, type TokenEndpoint } from './token-endpoint.js';

/**
 * Holds the current tokens: obtains them on first use, renews them ahead of expiry, and lets only
 * one renewal run at a time (the others share its result) because refresh tokens are single-use.
 */
export class TokenManager {
  private current?: HeldTokens;
  private renewal?: Promise<TokenSet>;

  constructor(
    private readonly credentials: Credentials,
    private readonly endpoint: TokenEndpoint,
    private readonly onTokens?: (tokens: TokenSet) => void,
  ) {
    if (credentials.kind === 'token') this.current = heldFromStored(credentials);
  }

  /** The tokens held right now, without renewing; undefined before the first grant. */
  get tokens(): TokenSet | undefined {
    return this.current?.tokens;
  }

  /** Current tokens, renewed first when they are missing or inside the renewal window. */
  get(signal?: AbortSignal): Promise<TokenSet> {
    const held = this.current;
    return held && !needsRenewal(held) ? Promise.resolve(held.tokens) : this.renew(undefined, signal);
  }

  /**
   * Renews because the server refused `rejected` as expired, whatever our clock says. When another
   * call has renewed meanwhile, its tokens are used instead of renewing again.
   */
  renewRejected(rejected: TokenSet, signal?: AbortSignal): Promise<TokenSet> {
    return this.renew(rejected, signal);
  }

  private renew(rejected: TokenSet | undefined, signal?: AbortSignal): Promise<TokenSet> {
    const held = this.current;
    if (held && !needsRenewal(held) && held.tokens.accessToken !== rejected?.accessToken) {
      return Promise.resolve(held.tokens);
    }
    if (!this.renewal) {
      // Not tied to one caller's signal: a cancelled call must not cancel the renewal others wait for.
      this.renewal = this.obtain(held)
        .then(next => {
          if (!next) return held!.tokens;
          this.current = next;
          this.onTokens?.(next.tokens);
          return next.tokens;
        })
        .finally(() => { this.renewal = undefined; });
    }
    return signal ? abortable(this.renewal, signal) : this.renewal;
  }

  /** New tokens, or undefined when there is nothing to renew with (stored tokens, no refresh token). */
  private async obtain(held: HeldTokens | undefined): Promise<HeldTokens | undefined> {
    const c = this.credentials;
    const refreshToken = held?.tokens.refreshToken;
    if (refreshToken) {
      try {
        const refreshed = await this.endpoint.refresh(refreshToken);
        // The server rotates refresh tokens; should one ever not, keep the one we have.
        return refreshed.tokens.refreshToken ? refreshed : { ...refreshed, tokens: { ...refreshed.tokens, refreshToken } };
      } catch (error) {
        // The refresh chain ended (expired, revoked, used elsewhere); a password grant still works.
        if (!(error instanceof PilotdeckAuthError) || c.kind !== 'password') throw error;
      }
    }
    switch (c.kind) {
      case 'client_credentials':
        return this.endpoint.clientCredentials(c.clientId, c.clientSecret, c.scopes);
      case 'password':
        return this.endpoint.password(c.email, c.password, c.tenantId);
      case 'token':
        return undefined;
    }
  }
}

function needsRenewal(held: HeldTokens): boolean {
  return held.tokens.expiresAt.getTime() - Date.now() <= held.renewAheadMs;
}

function heldFromStored(c: Extract<Credentials, { kind: 'token' }>): HeldTokens {
  const exp = jwtClaim(c.accessToken, 'exp');
  const iat = jwtClaim(c.accessToken, 'iat');
  // Without a known expiry the token is sent until the server refuses it.
  const expiresAt = c.expiresAt ?? (exp !== undefined ? new Date(exp * 1000) : new Date(8.64e15));
  const renewAheadMs = exp !== undefined && iat !== undefined ? renewAheadFor((exp - iat) * 1000) : MAX_RENEW_AHEAD_MS;
  return { tokens: { accessToken: c.accessToken, expiresAt, ...(c.refreshToken ? { refreshToken: c.refreshToken } : {}) }, renewAheadMs };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
