import { sendHttp } from '#platform';
import { PilotdeckAuthError, type TokenSet } from '../credentials.js';

/** Where the endpoints are published (OpenID Connect Discovery), relative to the server URL. */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** Tokens plus how long before expiry to renew them. */
export interface HeldTokens {
  readonly tokens: TokenSet;
  readonly renewAheadMs: number;
}

/** At most this long before expiry a token is renewed; for lifetimes under two minutes, half-way through. */
export const MAX_RENEW_AHEAD_MS = 60_000;

export function renewAheadFor(lifetimeMs: number): number {
  return lifetimeMs <= 0 ? 0 : Math.min(MAX_RENEW_AHEAD_MS, lifetimeMs / 2);
}

/**
 * The server's OAuth2 token endpoint. Its address is read from the discovery document, not
 * assumed, so the SDK keeps working when the identity server moves it.
 */
export class TokenEndpoint {
  private address?: Promise<string>;

  constructor(private readonly serverUrl: string, private readonly httpVersion: '1.1' | '2', configured?: string) {
    if (configured) this.address = Promise.resolve(configured);
  }

  clientCredentials(clientId: string, clientSecret: string, scopes: readonly string[] | undefined, signal?: AbortSignal): Promise<HeldTokens> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scopes && scopes.length > 0) form.set('scope', scopes.join(' '));
    // client_secret_basic (RFC 6749 §2.3.1): each part percent-encoded, then base64. Spaces become
    // %20 rather than '+', as the .NET SDK sends them and every server decodes them.
    const basic = btoa(String.fromCharCode(...new TextEncoder().encode(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`)));
    return this.grant(form, { authorization: `Basic ${basic}` }, signal);
  }

  password(email: string, password: string, tenantId: string | undefined, signal?: AbortSignal): Promise<HeldTokens> {
    const form = new URLSearchParams({ grant_type: 'password', username: email, password });
    if (tenantId) form.set('tenant', tenantId);
    return this.grant(form, {}, signal);
  }

  refresh(refreshToken: string, signal?: AbortSignal): Promise<HeldTokens> {
    return this.grant(new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }), {}, signal);
  }

  private async grant(form: URLSearchParams, headers: Record<string, string>, signal?: AbortSignal): Promise<HeldTokens> {
    const url = await this.tokenEndpoint(signal);
    const sentAt = Date.now();
    const answer = await sendHttp({
      url,
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      httpVersion: this.httpVersion,
      signal,
    });
    const json = parseJson(answer.body, url, answer.status);
    if (answer.status < 200 || answer.status > 299) {
      if (typeof json?.error === 'string') {
        throw new PilotdeckAuthError(json.error, typeof json.error_description === 'string' ? json.error_description : '');
      }
      throw new Error(`${url} answered HTTP ${answer.status}`);
    }
    if (typeof json?.access_token !== 'string' || typeof json.expires_in !== 'number') {
      throw new Error(`${url} answered without access_token and expires_in`);
    }
    // Measured from when the request was sent, so network time can only make us renew early.
    const lifetimeMs = json.expires_in * 1000;
    const tokens: TokenSet = {
      accessToken: json.access_token,
      expiresAt: new Date(sentAt + lifetimeMs),
      ...(typeof json.refresh_token === 'string' ? { refreshToken: json.refresh_token } : {}),
    };
    return { tokens, renewAheadMs: renewAheadFor(lifetimeMs) };
  }

  private tokenEndpoint(signal?: AbortSignal): Promise<string> {
    this.address ??= this.discover(signal);
    // A failed look-up (server not up yet) is not remembered: the next call asks again.
    return this.address.catch(error => {
      this.address = undefined;
      throw error;
    });
  }

  private async discover(signal?: AbortSignal): Promise<string> {
    const url = new URL(DISCOVERY_PATH, this.serverUrl).toString();
    const answer = await sendHttp({ url, method: 'GET', headers: { accept: 'application/json' }, httpVersion: this.httpVersion, signal });
    const json = parseJson(answer.body, url, answer.status);
    if (answer.status !== 200 || typeof json?.token_endpoint !== 'string') {
      throw new Error(`${url} answered HTTP ${answer.status} without a token_endpoint`);
    }
    return json.token_endpoint;
  }
}

/** The answer's JSON object; undefined for an empty body. OAuth answers are flat objects of strings and numbers. */
function parseJson(body: string, url: string, status: number): Record<string, unknown> | undefined {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    throw new Error(`${url} answered HTTP ${status} with a body that is not JSON`);
  }
}
