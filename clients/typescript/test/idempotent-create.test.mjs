import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { partnerClient, unique } from './support.mjs';

test('create an API client twice with one request_id: one client, the same answer twice', async () => {
  const client = partnerClient();
  const request = { requestId: randomUUID(), name: unique('ts-sdk-idempotent'), scopes: ['identity.read'] };

  const first = await client.identity.createApiClient(request);
  const second = await client.identity.createApiClient(request);

  assert.equal(second.apiClient.clientId, first.apiClient.clientId);
  assert.equal(second.clientSecret, first.clientSecret);
  const listed = await client.identity.listApiClients({ pageSize: 200 });
  assert.equal(listed.apiClients.filter(c => c.name === request.name).length, 1);
});

test('a create without request_id gets one from the SDK, on a copy of the message', async () => {
  const client = partnerClient();
  const request = { name: unique('ts-sdk-auto-id'), scopes: ['identity.read'] };

  const created = await client.identity.createApiClient(request);

  assert.equal(created.apiClient.name, request.name);
  assert.equal(request.requestId, undefined, "the caller's message is not changed");
});
