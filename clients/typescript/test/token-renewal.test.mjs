import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPilotdeckClient, decodeError, password, token, Code } from '../dist/index.js';
import { delay, env, partnerClient, serverUrl } from './support.mjs';

// The host runs with a shortened access-token lifetime; the SDK renews half-way through one that short.
const lifetimeMs = () => Number(env('PILOTDECK_TOKEN_LIFETIME_MS'));

test('client credentials: a token near expiry is renewed before the call, not after a refusal', async () => {
  const renewed = [];
  const client = partnerClient({ onTokens: t => renewed.push(t) });
  const first = await client.getTokens();

  await delay(lifetimeMs() / 2 + 300);
  const caller = await client.identity.getCallerIdentity({});
  await delay(lifetimeMs() / 2 + 300);
  await client.identity.getCallerIdentity({});

  assert.equal(caller.isApiClient, true);
  assert.ok(renewed.length >= 3, `expected the first grant and two renewals, got ${renewed.length}`);
  const last = await client.getTokens();
  assert.notEqual(last.accessToken, first.accessToken);
  assert.ok(last.expiresAt > first.expiresAt);
});

test('stored token past expiry without a refresh token: the call fails with TOKEN_EXPIRED', async () => {
  const stale = await partnerClient().getTokens();
  await delay(lifetimeMs() + 1_000);
  // Told the token is good for an hour, the SDK sends it; only the server can refuse it.
  const client = createPilotdeckClient({ serverUrl: serverUrl(), credentials: token(stale.accessToken, undefined, new Date(Date.now() + 3_600_000)) });

  const error = await client.identity.getCallerIdentity({}).then(() => assert.fail('an expired token was accepted'), e => e);

  const decoded = decodeError(error);
  assert.equal(decoded.code, Code.Unauthenticated);
  assert.equal(decoded.reason, 'TOKEN_EXPIRED');
});

test('password grant: after TOKEN_EXPIRED the SDK refreshes and sends the call once more', { skip: !process.env.PILOTDECK_OWNER_EMAIL && 'PILOTDECK_OWNER_EMAIL is not set' }, async () => {
  const signIn = createPilotdeckClient({ serverUrl: serverUrl(), credentials: password(env('PILOTDECK_OWNER_EMAIL'), env('PILOTDECK_OWNER_PASSWORD')) });
  const stale = await signIn.getTokens();
  assert.ok(stale.refreshToken, 'the password grant returns a refresh token');
  await delay(lifetimeMs() + 1_000);
  const refreshed = [];
  const client = createPilotdeckClient({
    serverUrl: serverUrl(),
    credentials: token(stale.accessToken, stale.refreshToken, new Date(Date.now() + 3_600_000)),
    onTokens: t => refreshed.push(t),
  });

  const caller = await client.identity.getCallerIdentity({});

  assert.equal(caller.email, env('PILOTDECK_OWNER_EMAIL'));
  assert.equal(refreshed.length, 1);
  assert.notEqual(refreshed[0].refreshToken, stale.refreshToken, 'refresh tokens rotate');
});
