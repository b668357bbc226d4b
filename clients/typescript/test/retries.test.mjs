// Retries, request ids, the default deadline and the send limit against a scripted in-process
// server (connect-node's own handler over h2c), so failures can be made to order. Needs no Pilotdeck host.
import assert from 'node:assert/strict';
import { createServer } from 'node:http2';
import { after, before, test } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { createPilotdeckClient, decodeError, IdentityService } from '../dist/index.js';

const calls = { listMembers: 0, updateMember: 0, createApiClient: [], timeouts: [], getMemberIdLengths: [] };
let failuresLeft = 0;
let server;
let serverUrl;
const sessions = new Set();

function failWhileScripted() {
  if (failuresLeft > 0) {
    failuresLeft--;
    throw new ConnectError('scripted outage', Code.Unavailable);
  }
}

before(async () => {
  const handler = connectNodeAdapter({
    grpc: true,
    connect: false,
    grpcWeb: false,
    routes: router => router.service(IdentityService, {
      async listMembers(_req, ctx) {
        calls.listMembers++;
        calls.timeouts.push(ctx.timeoutMs());
        // A failing attempt takes a while, so the time left visibly shrinks from attempt to attempt.
        if (failuresLeft > 0) await new Promise(r => setTimeout(r, 50));
        failWhileScripted();
        return { members: [] };
      },
      updateMember() { calls.updateMember++; failWhileScripted(); return {}; },
      createApiClient(req) { calls.createApiClient.push(req.requestId); failWhileScripted(); return { apiClient: { name: req.name } }; },
      getMember(req) { calls.getMemberIdLengths.push(req.userId.length); return { member: { userId: 'u1' } }; },
      async getCallerIdentity() { await new Promise(r => setTimeout(r, 5_000).unref()); return {}; },
    }),
  });
  server = createServer(handler);
  server.on('session', session => sessions.add(session));
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${server.address().port}`;
});

// server.close() waits for open sessions, and the SDK keeps its connection for reuse.
after(() => {
  for (const session of sessions) session.destroy();
  server.close();
});

const client = (options = {}) => createPilotdeckClient({ serverUrl, initialBackoffMs: 10, maxBackoffMs: 20, ...options });

test('an idempotent method (NO_SIDE_EFFECTS) is retried on UNAVAILABLE until it succeeds', async () => {
  calls.listMembers = 0;
  failuresLeft = 2;

  await client().identity.listMembers({});

  assert.equal(calls.listMembers, 3);
});

test('each retry tells the server the time left of the one deadline', async () => {
  calls.timeouts = [];
  failuresLeft = 2;

  await client({ initialBackoffMs: 100, maxBackoffMs: 100 }).identity.listMembers({}, { timeoutMs: 10_000 });

  assert.equal(calls.timeouts.length, 3);
  assert.ok(calls.timeouts.every(t => t !== undefined && t <= 10_000), JSON.stringify(calls.timeouts));
  assert.ok(calls.timeouts[2] <= calls.timeouts[0] - 90, `the third attempt had ${calls.timeouts[2]} ms, the first ${calls.timeouts[0]} ms`);
});

test('retries stop after maxAttempts and the last UNAVAILABLE surfaces', async () => {
  calls.listMembers = 0;
  failuresLeft = 10;

  const error = await client({ maxAttempts: 3 }).identity.listMembers({}).then(() => assert.fail('succeeded'), e => e);

  assert.equal(decodeError(error).code, Code.Unavailable);
  assert.equal(calls.listMembers, 3);
  failuresLeft = 0;
});

test('a method with side effects and no request_id is sent once', async () => {
  calls.updateMember = 0;
  failuresLeft = 1;

  await assert.rejects(client().identity.updateMember({ member: { userId: 'u1', role: 1 }, updateMask: { paths: ['role'] } }));

  assert.equal(calls.updateMember, 1);
  failuresLeft = 0;
});

test('a create gets one request_id and every retry repeats it', async () => {
  calls.createApiClient = [];
  failuresLeft = 1;

  await client().identity.createApiClient({ name: 'retried' });

  assert.equal(calls.createApiClient.length, 2);
  assert.match(calls.createApiClient[0], /^[0-9a-f-]{36}$/);
  assert.equal(calls.createApiClient[1], calls.createApiClient[0]);
});

test('a given request_id is kept', async () => {
  calls.createApiClient = [];

  await client().identity.createApiClient({ name: 'mine', requestId: 'my-id' });

  assert.deepEqual(calls.createApiClient, ['my-id']);
});

test('the default deadline ends a call that sets none', async () => {
  const started = Date.now();

  const error = await client({ defaultDeadlineMs: 300 }).identity.getCallerIdentity({}).then(() => assert.fail('succeeded'), e => e);

  assert.equal(decodeError(error).code, Code.DeadlineExceeded);
  assert.ok(Date.now() - started < 3_000);
});

const MiB = 1024 * 1024;

test('a message over the 4 MiB default fails in the client, and one at the limit is sent', async () => {
  calls.getMemberIdLengths = [];
  // The field's tag and length take 5 bytes of the message.
  const atTheLimit = 'u'.repeat(4 * MiB - 5);

  const error = await client().identity.getMember({ userId: atTheLimit + 'u' }).then(() => assert.fail('succeeded'), e => e);
  const answer = await client().identity.getMember({ userId: atTheLimit });

  assert.equal(decodeError(error).code, Code.ResourceExhausted);
  assert.match(error.rawMessage, /writeMaxBytes/); // connect-node's wording: the client refused it
  assert.equal(answer.member.userId, 'u1');
  assert.deepEqual(calls.getMemberIdLengths, [atTheLimit.length]);
});

test('maxSendMessageBytes null leaves the limit to the server', async () => {
  calls.getMemberIdLengths = [];

  await client({ maxSendMessageBytes: null }).identity.getMember({ userId: 'u'.repeat(5 * MiB) });

  assert.deepEqual(calls.getMemberIdLengths, [5 * MiB]);
});
