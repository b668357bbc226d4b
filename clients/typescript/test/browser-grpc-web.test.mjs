// The browser build, as a bundler would pick it (the `browser` condition of the `#platform`
// import): gRPC-Web and the OAuth2 requests over fetch, against the API's HTTP/1.1 endpoint.
// Run with `node --conditions=browser --test`; PILOTDECK_REST_URL is that endpoint.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientCredentials, createPilotdeckClient } from '../dist/index.js';
import { env } from './support.mjs';

const browserClient = transport => createPilotdeckClient({
  serverUrl: env('PILOTDECK_REST_URL'),
  credentials: clientCredentials(env('PILOTDECK_CLIENT_ID'), env('PILOTDECK_CLIENT_SECRET')),
  transport,
});

test('browser build: gRPC-Web over fetch lists members, with a token fetched over HTTP/1.1', async () => {
  const page = await browserClient('grpc-web').identity.listMembers({ pageSize: 10 });

  assert.ok(page.members.length > 0);
});

test('browser build: Connect over fetch lists members', async () => {
  const page = await browserClient('connect').identity.listMembers({ pageSize: 10 });

  assert.ok(page.members.length > 0);
});

test('browser build: gRPC is refused with a hint to use gRPC-Web', () => {
  assert.throws(() => browserClient('grpc'), /grpc-web/);
});
