// What every SDK scenario shares: the server and the API client come from the environment, as
// tests/Pilotdeck.PartnerStack.Tests (Sdk/) sets it when it drives these files against the real host:
//   PILOTDECK_SERVER_URL       e.g. http://127.0.0.1:5080 (the h2c gRPC port)
//   PILOTDECK_CLIENT_ID / PILOTDECK_CLIENT_SECRET   an API client with identity.read identity.admin guardian.read guardian.write
//   PILOTDECK_TENANT_ID        optional: the tenant the client belongs to
//   PILOTDECK_MANIFEST         a dbt manifest.json for the Guardian upload
//   PILOTDECK_TOKEN_LIFETIME_MS   the host's (shortened) access-token lifetime, for the renewal scenario
//   PILOTDECK_OWNER_EMAIL / PILOTDECK_OWNER_PASSWORD   optional: a tenant owner, for the password grant
import { createPilotdeckClient, clientCredentials } from '../dist/index.js';

export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: see the header of test/support.mjs`);
  return value;
}

export const serverUrl = () => env('PILOTDECK_SERVER_URL');

/** A client for the partner API client; `options` overrides the defaults. */
export function partnerClient(options = {}) {
  return createPilotdeckClient({
    serverUrl: serverUrl(),
    credentials: clientCredentials(env('PILOTDECK_CLIENT_ID'), env('PILOTDECK_CLIENT_SECRET')),
    ...options,
  });
}

export const delay = ms => new Promise(resolve => setTimeout(resolve, ms));

/** A name no other run of the suite uses, so scenarios can run against a shared host. */
export const unique = prefix => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
