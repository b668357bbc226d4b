#!/usr/bin/env node
'use strict';
// grpc-js implementation of the gRPC interop test server (grpc.testing.TestService),
// plaintext HTTP/2 (h2c) on loopback. Our own C# interop client is run against it.
//
//   node interop_server.js --port=50051 [--host=127.0.0.1]
//
// --port=0 picks a free port. Once the port is bound it prints exactly one line
// `listening HOST:PORT` on stdout; diagnostics go to stderr. SIGINT/SIGTERM stop it.
//
// Server features implemented (names from the interop spec): EmptyCall, UnaryCall,
// StreamingInputCall, StreamingOutputCall, FullDuplexCall, HalfDuplexCall,
// CompressedRequest (expect_compressed), CompressedResponse (response_compressed /
// ResponseParameters.compressed), Echo Status, Echo Metadata, interval_us.
// UnimplementedCall is left unimplemented on purpose, and UnimplementedService is
// not registered, so both answer UNIMPLEMENTED.
//
// Compression relies on the wire hooks in common.js (grpc-js alone can neither
// report a request's compressed flag nor compress a response). If the hooks are
// unavailable the server says so on stderr, cannot verify expect_compressed, and
// sends every response uncompressed.

const {
  grpc, loadTestingPackage, parseFlags, installWireHooks, observingService,
  wasCompressed, markCompressed, zeros,
} = require('./common');

const ECHO_INITIAL = 'x-grpc-test-echo-initial';
const ECHO_TRAILING = 'x-grpc-test-echo-trailing-bin';
const COMPRESSABLE = 0;

function fail(message) {
  process.stderr.write(`interop_server: ${message}\n`);
  process.exit(2);
}

let flags;
try {
  flags = parseFlags(process.argv.slice(2), ['port', 'host', 'use_tls']);
} catch (e) {
  fail(e.message);
}
if (flags.use_tls && flags.use_tls !== 'false') fail('TLS is not supported by this peer (loopback h2c only)');
if (flags.port === undefined || !/^\d+$/.test(flags.port)) fail('--port=N is required');
const host = flags.host || '127.0.0.1';

const hooks = installWireHooks();
for (const problem of hooks.problems) process.stderr.write(`interop_server: warning: ${problem}\n`);

const { packageDefinition } = loadTestingPackage();
const testService = observingService(packageDefinition['grpc.testing.TestService']);

// ---- helpers ----------------------------------------------------------------

function statusError(code, details, trailers) {
  const err = new Error(details);
  err.code = code;
  err.details = details;
  if (trailers) err.metadata = trailers;
  return err;
}

// Metadata the client asked us to echo: [initial, trailing].
function echoMetadata(call) {
  const initial = new grpc.Metadata();
  const trailing = new grpc.Metadata();
  for (const value of call.metadata.get(ECHO_INITIAL)) initial.add(ECHO_INITIAL, value);
  for (const value of call.metadata.get(ECHO_TRAILING)) trailing.add(ECHO_TRAILING, value);
  return [initial, trailing];
}

// Sends response headers: echoed metadata, plus `grpc-encoding: gzip` when some
// response message will be compressed. Returns whether compression is on.
function sendHeaders(call, initial, wantGzip) {
  // The request asked for compression explicitly, so we do not second-guess it
  // with the client's grpc-accept-encoding (grpc-js hides that header anyway).
  const gzip = wantGzip && hooks.serverCompress;
  if (wantGzip && !gzip) {
    process.stderr.write('interop_server: warning: response compression requested but the wire hooks are missing; sending uncompressed\n');
  }
  const md = initial.clone();
  if (gzip) md.set('grpc-encoding', 'gzip');
  call.sendMetadata(md);
  return gzip;
}

// CompressedRequest: expect_compressed=true demands that this very message came
// with the compressed flag set. Returns an error message or null.
function checkExpectedCompression(call, request, expect) {
  if (!expect || !expect.value) return null;
  const observed = wasCompressed(request);
  if (observed === undefined) {
    // Without the hook the flag is invisible (grpc-js also strips grpc-encoding
    // from the handler's metadata), so the request cannot be checked.
    process.stderr.write('interop_server: warning: cannot observe the request compressed flag; expect_compressed not verified\n');
    return null;
  }
  return observed ? null : 'expected a compressed request message, but its compressed flag is 0';
}

function checkResponseType(type) {
  return type === COMPRESSABLE || type === undefined || type === null
    ? null : `unsupported response_type ${type}`;
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function hasErrorStatus(echo) {
  return echo && echo.code !== 0;
}

// ---- handlers ---------------------------------------------------------------

function emptyCall(call, callback) {
  const [initial, trailing] = echoMetadata(call);
  sendHeaders(call, initial, false);
  callback(null, {}, trailing);
}

function unaryCall(call, callback) {
  const request = call.request;
  const [initial, trailing] = echoMetadata(call);
  const wantGzip = !!(request.response_compressed && request.response_compressed.value);
  const gzip = sendHeaders(call, initial, wantGzip);

  const problem = checkExpectedCompression(call, request, request.expect_compressed)
    || checkResponseType(request.response_type);
  if (problem) {
    callback(statusError(grpc.status.INVALID_ARGUMENT, problem, trailing));
    return;
  }
  if (hasErrorStatus(request.response_status)) {
    callback(statusError(request.response_status.code, request.response_status.message, trailing));
    return;
  }
  const response = { payload: { type: COMPRESSABLE, body: zeros(Math.max(0, request.response_size)) } };
  callback(null, gzip ? markCompressed(response) : response, trailing);
}

function streamingInputCall(call, callback) {
  const [initial, trailing] = echoMetadata(call);
  sendHeaders(call, initial, false);
  let total = 0;
  let done = false;
  const finish = (err, value) => {
    if (done) return;
    done = true;
    if (err) callback(err); else callback(null, value, trailing);
  };
  call.on('data', request => {
    if (done) return;
    const problem = checkExpectedCompression(call, request, request.expect_compressed);
    if (problem) {
      finish(statusError(grpc.status.INVALID_ARGUMENT, problem, trailing));
      return;
    }
    total += request.payload && request.payload.body ? request.payload.body.length : 0;
  });
  call.on('end', () => finish(null, { aggregated_payload_size: total }));
  call.on('error', () => { done = true; });
  call.on('cancelled', () => { done = true; });
}

// Shared by the three server-streaming methods: writes the responses described by
// one StreamingOutputCallRequest, honouring interval_us and per-message compression.
async function writeResponses(call, request, gzip, state) {
  for (const params of request.response_parameters || []) {
    if (state.cancelled) return;
    if (params.interval_us > 0) await sleep(params.interval_us / 1000);
    if (state.cancelled) return;
    const response = { payload: { type: COMPRESSABLE, body: zeros(Math.max(0, params.size)) } };
    const compress = !!(params.compressed && params.compressed.value);
    if (compress && !gzip && hooks.serverCompress && !state.warned) {
      state.warned = true;
      process.stderr.write('interop_server: warning: a compressed response was requested after headers went out without grpc-encoding: gzip; sending it uncompressed\n');
    }
    await new Promise(resolve => call.write(compress && gzip ? markCompressed(response) : response, resolve));
  }
}

function wantsAnyCompressed(requests) {
  return requests.some(r => (r.response_parameters || []).some(p => p.compressed && p.compressed.value));
}

// Ends a streaming call with the echoed trailers and either OK or an error.
function endStream(call, trailing, error) {
  if (error) {
    error.metadata = trailing;
    call.emit('error', error);
  } else {
    call.end(trailing);
  }
}

function streamingOutputCall(call) {
  const request = call.request;
  const [initial, trailing] = echoMetadata(call);
  const state = { cancelled: false };
  call.on('cancelled', () => { state.cancelled = true; });
  const gzip = sendHeaders(call, initial, wantsAnyCompressed([request]));
  const problem = checkResponseType(request.response_type);
  if (problem) {
    endStream(call, trailing, statusError(grpc.status.INVALID_ARGUMENT, problem));
    return;
  }
  if (hasErrorStatus(request.response_status)) {
    endStream(call, trailing, statusError(request.response_status.code, request.response_status.message));
    return;
  }
  writeResponses(call, request, gzip, state)
    .then(() => { if (!state.cancelled) endStream(call, trailing); })
    .catch(e => endStream(call, trailing, statusError(grpc.status.INTERNAL, String(e && e.message))));
}

// FullDuplexCall answers each request as it arrives; HalfDuplexCall waits for the
// client's half-close first. Requests are handled strictly in order.
function duplexCall(halfDuplex) {
  return call => {
    const [initial, trailing] = echoMetadata(call);
    const state = { cancelled: false, finished: false };
    let gzip = null; // decided when the headers go out
    let chain = Promise.resolve();
    const buffered = [];
    const ensureHeaders = requests => {
      if (gzip === null) gzip = sendHeaders(call, initial, wantsAnyCompressed(requests));
    };
    const finish = error => {
      if (state.finished || state.cancelled) return;
      state.finished = true;
      ensureHeaders([]);
      endStream(call, trailing, error);
    };
    const handle = async request => {
      if (state.finished || state.cancelled) return;
      ensureHeaders([request]);
      const problem = checkResponseType(request.response_type);
      if (problem) { finish(statusError(grpc.status.INVALID_ARGUMENT, problem)); return; }
      // Echo Status: end the call with the requested status and read no further.
      if (hasErrorStatus(request.response_status)) {
        finish(statusError(request.response_status.code, request.response_status.message));
        return;
      }
      await writeResponses(call, request, gzip, state);
    };
    const enqueue = work => {
      chain = chain.then(work).catch(e => finish(statusError(grpc.status.INTERNAL, String(e && e.message))));
    };

    call.on('cancelled', () => { state.cancelled = true; });
    call.on('error', () => { state.cancelled = true; });
    call.on('data', request => {
      if (halfDuplex) buffered.push(request);
      else enqueue(() => handle(request));
    });
    call.on('end', () => {
      if (halfDuplex) {
        enqueue(async () => {
          ensureHeaders(buffered);
          for (const request of buffered) await handle(request);
        });
      }
      enqueue(async () => finish());
    });
  };
}

// ---- server -----------------------------------------------------------------

const server = new grpc.Server();
server.addService(testService, {
  EmptyCall: emptyCall,
  UnaryCall: unaryCall,
  StreamingOutputCall: streamingOutputCall,
  StreamingInputCall: streamingInputCall,
  FullDuplexCall: duplexCall(false),
  HalfDuplexCall: duplexCall(true),
  // UnimplementedCall deliberately absent: grpc-js answers UNIMPLEMENTED.
});

server.bindAsync(`${host}:${flags.port}`, grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) fail(`cannot listen on ${host}:${flags.port}: ${err.message}`);
  process.stdout.write(`listening ${host}:${port}\n`);
});

function stop() {
  server.tryShutdown(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
