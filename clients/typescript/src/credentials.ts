/** How the SDK signs in. Build one with {@link clientCredentials}, {@link password} or {@link token}. */
export type Credentials =
  | { readonly kind: 'client_credentials'; readonly clientId: string; readonly clientSecret: string; readonly scopes?: readonly string[] }
  | { readonly kind: 'password'; readonly email: string; readonly password: string; readonly tenantId?: string }
  | { readonly kind: 'token'; readonly accessToken: string; readonly refreshToken?: string; readonly expiresAt?: Date };

/** Tokens as the token endpoint issued them. `expiresAt` is measured from when the request was sent. */
export interface TokenSet {
  readonly accessToken: string;
  readonly expiresAt: Date;
  readonly refreshToken?: string;
}

/**
 * An API client (partner systems, scripts): the `client_credentials` grant, sent with HTTP Basic.
 * Renewal runs the grant again. `scopes` narrows the token; by default it carries all the client's scopes.
 */
export function clientCredentials(clientId: string, clientSecret: string, scopes?: readonly string[]): Credentials {
  return { kind: 'client_credentials', clientId, clientSecret, scopes };
}

/**
 * A user's email and password (the `password` grant). Renewal uses the refresh token and signs in
 * again when the refresh chain ends. `tenantId` picks the tenant; by default the first membership.
 */
export function password(email: string, pw: string, tenantId?: string): Credentials {
  return { kind: 'password', email, password: pw, tenantId };
}

/**
 * Tokens you already hold. With a refresh token they are renewed with it; without one the access
 * token is sent until the server refuses it. `expiresAt` defaults to the JWT's `exp` claim.
 */
export function token(accessToken: string, refreshToken?: string, expiresAt?: Date): Credentials {
  return { kind: 'token', accessToken, refreshToken, expiresAt };
}

/** A token endpoint's refusal (RFC 6749 §5.2), e.g. `invalid_client` or `invalid_grant`. */
export class PilotdeckAuthError extends Error {
  override readonly name = 'PilotdeckAuthError';

  constructor(readonly error: string, readonly description: string) {
    super(description ? `${error}: ${description}` : error);
  }
}
