// Token handling against a scripted in-process server that publishes its token endpoint at a path
// of its own choosing (as OpenIddict will), so discovery, single-flight renewal and the mapping of
// token-endpoint failures to gRPC statuses can be observed. Needs no Pilotdeck host.
import assert from 'node:assert/strict';
import { createServer } from 'node:http2';
import { after, before, beforeEach, test } from 'node:test';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { clientCredentials, Code, createPilotdeckClient, decodeError, IdentityService, PilotdeckAuthError } from '../dist/index.js';

const TOKEN_PATH = '/connect/token';
const seen = { discovery: 0, grants: 0, authorizations: [] };
let tokenAnswer;
let server;
let serverUrl;
const sessions = new Set();

function oauth(req, res) {
  if (req.url === '/.well-known/openid-configuration') {
    seen.discovery++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token_endpoint: `${serverUrl}${TOKEN_PATH}` }));
    return;
  }
  if (req.url === TOKEN_PATH && req.method === 'POST') {
    seen.grants++;
    // Slow enough that concurrent calls all arrive while the first grant is in flight.
    setTimeout(() => {
      const { status, body } = tokenAnswer();
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    }, 100);
    return;
  }
  res.writeHead(404);
  res.end();
}

before(async () => {
  const handler = connectNodeAdapter({
    grpc: true,
    connect: false,
    grpcWeb: false,
    fallback: oauth,
    routes: router => router.service(IdentityService, {
      getCallerIdentity(_req, ctx) {
        seen.authorizations.push(ctx.requestHeader.get('authorization'));
        return { subject: 'pdc_scripted' };
      },
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

beforeEach(() => {
  Object.assign(seen, { discovery: 0, grants: 0, authorizations: [] });
  let issued = 0;
  tokenAnswer = () => ({ status: 200, body: { access_token: `access-${++issued}`, token_type: 'Bearer', expires_in: 600 } });
});

const client = (secret = 'pds_secret') =>
  createPilotdeckClient({ serverUrl, credentials: clientCredentials('pdc_scripted', secret), initialBackoffMs: 10, maxBackoffMs: 20 });

test('the token endpoint is taken from discovery, and concurrent calls share one grant', async () => {
  const pilotdeck = client();

  await Promise.all(Array.from({ length: 5 }, () => pilotdeck.identity.getCallerIdentity({})));
  await pilotdeck.identity.getCallerIdentity({});

  assert.equal(seen.discovery, 1);
  assert.equal(seen.grants, 1);
  assert.deepEqual(new Set(seen.authorizations), new Set(['Bearer access-1']));
});

test('a refusal by the token endpoint fails the call with UNAUTHENTICATED, the OAuth error as cause', async () => {
  tokenAnswer = () => ({ status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } });

  const error = await client('wrong').identity.getCallerIdentity({}).then(() => assert.fail('succeeded'), e => e);

  const decoded = decodeError(error);
  assert.equal(decoded.code, Code.Unauthenticated);
  assert.ok(decoded.cause.cause instanceof PilotdeckAuthError);
  assert.equal(decoded.cause.cause.error, 'invalid_client');
  assert.equal(seen.grants, 1, 'a refused grant is not retried');
});

test('a token endpoint that cannot answer is UNAVAILABLE, which an idempotent call retries', async () => {
  let failures = 1;
  const healthy = tokenAnswer;
  tokenAnswer = () => (failures-- > 0 ? { status: 503, body: 'down' } : healthy());

  const caller = await client().identity.getCallerIdentity({});

  assert.equal(caller.subject, 'pdc_scripted');
  assert.equal(seen.grants, 2);
});
