import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPilotdeckClient, clientCredentials, Code, decodeError } from '../dist/index.js';
import { env, partnerClient, serverUrl } from './support.mjs';

test('client credentials: the SDK finds the token endpoint by discovery and gets a JWT', async () => {
  const client = partnerClient();
  const tokens = await client.getTokens();

  assert.equal(tokens.accessToken.split('.').length, 3, 'a JWT has three parts');
  assert.equal(tokens.refreshToken, undefined, 'client credentials carry no refresh token');
  assert.ok(tokens.expiresAt.getTime() > Date.now());
});

test('client credentials: calls carry the token and the server sees the API client', async () => {
  const caller = await partnerClient().identity.getCallerIdentity({});

  assert.equal(caller.subject, env('PILOTDECK_CLIENT_ID'));
  assert.equal(caller.isApiClient, true);
  if (process.env.PILOTDECK_TENANT_ID) assert.equal(caller.tenantId, process.env.PILOTDECK_TENANT_ID);
  assert.ok(caller.scopes.includes('identity.read'));
});

test('client credentials: a wrong secret fails the call with UNAUTHENTICATED and the OAuth error as cause', async () => {
  const client = createPilotdeckClient({ serverUrl: serverUrl(), credentials: clientCredentials(env('PILOTDECK_CLIENT_ID'), 'not-the-secret') });

  const error = await client.identity.getCallerIdentity({}).then(() => assert.fail('the call succeeded'), e => e);

  const decoded = decodeError(error);
  assert.equal(decoded.code, Code.Unauthenticated);
  assert.equal(decoded.cause.cause?.error, 'invalid_client');
});
