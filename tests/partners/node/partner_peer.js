'use strict';
// A partner system on @grpc/grpc-js against a running Pilotdeck host (h2c, no TLS): it gets a
// token with client credentials, asks who it is, uploads a dbt manifest to Guardian in chunks and
// provokes a validation error whose google.rpc.Status it decodes. One PASS/FAIL line per step;
// exit 0 only when every step passed. Usage in tests/partners/README.md.

const fs = require('fs');
const http2 = require('http2');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const REPO = path.resolve(__dirname, '..', '..', '..');
const REPO_PROTOS = path.join(REPO, 'protos');
// google/api and google/rpc as the Google.Api.CommonProtos NuGet package ships them (the test passes the folder).
const GOOGLEAPIS_PROTOS = process.env.PILOTDECK_GOOGLEAPIS_PROTOS;
if (!GOOGLEAPIS_PROTOS) {
  console.log('FAIL setup: set PILOTDECK_GOOGLEAPIS_PROTOS to the content/protos folder of the Google.Api.CommonProtos package');
  process.exit(2);
}
const CHUNK_BYTES = 64 * 1024;

function parseArgs(argv) {
  const args = {};
  for (const arg of argv) {
    const m = /^--([a-z_]+)=(.*)$/.exec(arg);
    if (!m) throw new Error(`unexpected argument '${arg}' (use --name=value)`);
    args[m[1]] = m[2];
  }
  for (const required of ['address', 'manifest', 'expect_tenant']) {
    if (!args[required]) throw new Error(`--${required} is required`);
  }
  return args;
}

// The API port speaks only HTTP/2 without TLS (prior knowledge), which fetch() cannot do, so the
// token request goes over node's http2 module, as a partner's own HTTP/2 client would send it.
function requestToken(address, clientId, clientSecret) {
  return new Promise((resolve, reject) => {
    const session = http2.connect(address);
    session.on('error', reject);
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString();
    const req = session.request({
      ':method': 'POST',
      ':path': '/oauth2/token',
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
    });
    let status = 0;
    const chunks = [];
    req.on('response', headers => { status = headers[':status']; });
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      session.close();
      const text = Buffer.concat(chunks).toString('utf8');
      if (status !== 200) return reject(new Error(`token endpoint answered ${status}: ${text}`));
      resolve(JSON.parse(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function loadClients(address) {
  const definition = protoLoader.loadSync(
    ['pilotdeck/identity/v1/identity.proto', 'pilotdeck/guardian/v1/guardian.proto'],
    { includeDirs: [REPO_PROTOS, GOOGLEAPIS_PROTOS], keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const loaded = grpc.loadPackageDefinition(definition);
  const target = address.replace(/^http:\/\//, '').replace(/\/$/, '');
  const insecure = grpc.credentials.createInsecure();
  const identity = new loaded.pilotdeck.identity.v1.IdentityService(target, insecure);
  // One channel (one HTTP/2 connection) for both services, as a partner's process would share it.
  const guardian = new loaded.pilotdeck.guardian.v1.GuardianService(target, insecure, { channelOverride: identity.getChannel() });
  return { identity, guardian };
}

function bearer(token) {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', 'Bearer ' + token);
  return metadata;
}

const deadline = () => new Date(Date.now() + 30000);

function getCallerIdentity(client, token) {
  return new Promise((resolve, reject) =>
    client.GetCallerIdentity({}, bearer(token), { deadline: deadline() }, (err, res) => (err ? reject(err) : resolve(res))));
}

// Client streaming: metadata first, then the manifest in chunks, then half-close.
function uploadManifest(client, token, manifest, projectName) {
  return new Promise((resolve, reject) => {
    const call = client.AnalyzeProject(bearer(token), { deadline: deadline() }, (err, res) => (err ? reject(err) : resolve({ res, chunks })));
    call.write({ metadata: { project_name: projectName } });
    let chunks = 0;
    for (let offset = 0; offset < manifest.length; offset += CHUNK_BYTES) {
      call.write({ manifest_chunk: manifest.subarray(offset, offset + CHUNK_BYTES) });
      chunks++;
    }
    call.end();
  });
}

// Starts an upload, sends only the metadata and then nothing: the server's idle timeout must end
// it with UPLOAD_STALLED while identity calls on the same channel keep succeeding.
async function stalledUpload(clients, token) {
  let ended = null;
  // The 30 s client deadline only guards the peer; the server's shorter idle timeout must come first.
  const call = clients.guardian.AnalyzeProject(bearer(token), { deadline: deadline() }, error => { ended = { error }; });
  call.write({ metadata: { project_name: 'node-peer-stall' } });
  let calls = 0;
  while (ended === null) {
    await getCallerIdentity(clients.identity, token);
    calls++;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  await getCallerIdentity(clients.identity, token);
  return { error: ended.error, calls };
}

function createMember(client, token, request) {
  return new Promise((resolve, reject) =>
    client.CreateMember(request, bearer(token), { deadline: deadline() }, (err, res) => (err ? reject(err) : resolve(res))));
}

// grpc-status-details-bin holds a serialized google.rpc.Status; its details are Any messages.
function decodeStatusDetails(error) {
  const values = error.metadata ? error.metadata.get('grpc-status-details-bin') : [];
  if (values.length === 0) throw new Error('the error carries no grpc-status-details-bin');
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(GOOGLEAPIS_PROTOS, target);
  root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
  const Status = root.lookupType('google.rpc.Status');
  const status = Status.decode(values[0]);
  const unpack = typeName => status.details
    .filter(any => any.type_url === 'type.googleapis.com/' + typeName)
    .map(any => root.lookupType(typeName).decode(any.value));
  return { status, errorInfo: unpack('google.rpc.ErrorInfo')[0], badRequest: unpack('google.rpc.BadRequest')[0] };
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const clientId = process.env.PILOTDECK_CLIENT_ID;
  const clientSecret = process.env.PILOTDECK_CLIENT_SECRET;
  check(clientId && clientSecret, 'PILOTDECK_CLIENT_ID and PILOTDECK_CLIENT_SECRET must be set');
  const clients = loadClients(args.address);
  let token = null;
  let failed = 0;

  const step = async (name, body) => {
    try {
      const detail = await body();
      console.log(`PASS ${name}${detail ? ': ' + detail : ''}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e.message}`);
    }
  };

  await step('token', async () => {
    const answer = await requestToken(args.address, clientId, clientSecret);
    check(answer.token_type && answer.token_type.toLowerCase() === 'bearer', `token_type was ${answer.token_type}`);
    check(typeof answer.access_token === 'string' && answer.access_token.length > 0, 'no access_token');
    token = answer.access_token;
    return `expires_in=${answer.expires_in}`;
  });

  await step('identity', async () => {
    check(token, 'no token');
    const me = await getCallerIdentity(clients.identity, token);
    check(me.tenant_id === args.expect_tenant, `tenant_id was '${me.tenant_id}', expected '${args.expect_tenant}'`);
    check(me.subject === clientId, `subject was '${me.subject}', expected '${clientId}'`);
    check(me.is_api_client === true, 'is_api_client was false');
    return `tenant=${me.tenant_id} subject=${me.subject}`;
  });

  await step('upload', async () => {
    check(token, 'no token');
    const manifest = fs.readFileSync(args.manifest);
    const project = 'node-peer-' + process.pid;
    const { res, chunks } = await uploadManifest(clients.guardian, token, manifest, project);
    check(chunks > 1, `the manifest went in ${chunks} chunk(s); the step must stream several`);
    const analysis = res.analysis;
    check(analysis && analysis.analysis_id, 'no analysis_id');
    check(analysis.project_name === project, `project_name was '${analysis.project_name}'`);
    check(analysis.coverage && analysis.coverage.models.total > 0, 'no models counted');
    return `chunks=${chunks} analysis_id=${analysis.analysis_id} models=${analysis.coverage.models.total} gaps=${analysis.gap_count}`;
  });

  if (args.stall === 'true') {
    await step('stall', async () => {
      check(token, 'no token');
      const { error, calls } = await stalledUpload(clients, token);
      check(error, 'the stalled upload succeeded');
      check(error.code === grpc.status.DEADLINE_EXCEEDED, `status was ${error.code} (${error.details})`);
      const { errorInfo } = decodeStatusDetails(error);
      check(errorInfo && errorInfo.reason === 'UPLOAD_STALLED', `reason was '${errorInfo && errorInfo.reason}'`);
      check(calls >= 3, `only ${calls} identity call(s) completed during the stall`);
      return `code=DEADLINE_EXCEEDED reason=UPLOAD_STALLED idle_timeout_ms=${errorInfo.metadata.idle_timeout_ms} calls_during=${calls}`;
    });
  }

  await step('rich_error', async () => {
    check(token, 'no token');
    let error = null;
    try {
      await createMember(clients.identity, token, { email: 'not-an-email', role: 'TENANT_ROLE_VIEWER', initial_password: 'Correct-Horse-Battery-9' });
    } catch (e) {
      error = e;
    }
    check(error, 'CreateMember with an invalid email succeeded');
    check(error.code === grpc.status.INVALID_ARGUMENT, `status was ${error.code} (${error.details})`);
    const { status, errorInfo, badRequest } = decodeStatusDetails(error);
    check(status.code === grpc.status.INVALID_ARGUMENT, `Status.code was ${status.code}`);
    check(errorInfo, 'no ErrorInfo in the details');
    check(errorInfo.domain === 'pilotdeck', `domain was '${errorInfo.domain}'`);
    check(errorInfo.reason === 'FIELD_INVALID', `reason was '${errorInfo.reason}'`);
    const fields = badRequest ? badRequest.field_violations.map(v => v.field) : [];
    check(fields.includes('email'), `field violations were [${fields.join(', ')}]`);
    return `code=INVALID_ARGUMENT reason=${errorInfo.reason} fields=${fields.join(',')}`;
  });

  clients.identity.close();
  console.log(failed === 0 ? 'RESULT PASS' : `RESULT FAIL (${failed} step(s) failed)`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch(e => {
  console.log(`FAIL setup: ${e.message}`);
  process.exitCode = 2;
});
