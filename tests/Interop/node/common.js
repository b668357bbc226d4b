'use strict';
// Shared plumbing for the grpc-js interop peers: proto loading, flag parsing and
// the "wire hooks" that let the peers see (and, server-side, set) the per-message
// compressed flag of the gRPC length-prefixed framing.
//
// Why the hooks exist: the interop cases *_compressed_* are about that one bit.
// grpc-js (1.14) decides it internally and exposes it nowhere:
//   * client side, it never tells the application whether a response message
//     arrived compressed;
//   * server side, it never tells the handler whether a request message arrived
//     compressed, and it cannot compress responses at all (it always writes 0).
// Without help, a grpc-js peer could only check sizes in those cases. The hooks
// below wrap a few methods of grpc-js's own classes for the exact version pinned
// in tests/package.json. They only *observe* the flag, except for one addition:
// a server response message tagged with markCompressed() is gzip'ed with Node's
// zlib and sent with flag 1 (the call must have announced `grpc-encoding: gzip`).
// If a future grpc-js renames these internals, installWireHooks() reports which
// hooks are missing and the peers degrade to size-only checks, saying so on stderr.

const path = require('path');
const zlib = require('zlib');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = path.resolve(__dirname, '..', 'protos');

function loadTestingPackage() {
  const packageDefinition = protoLoader.loadSync(
    ['grpc/testing/test.proto'],
    {
      includeDirs: [PROTO_ROOT],
      keepCase: true, // field names exactly as in the .proto (snake_case)
      longs: String,
      enums: Number,
      defaults: true, // unset scalars read as their zero value, messages as null
      oneofs: true,
    });
  return { packageDefinition, loaded: grpc.loadPackageDefinition(packageDefinition) };
}

// --name=value flags, as the official interop programs take them.
function parseFlags(argv, known) {
  const flags = {};
  for (const arg of argv) {
    const m = /^--([A-Za-z0-9_]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unexpected argument '${arg}' (flags look like --name=value)`);
    if (!known.includes(m[1])) throw new Error(`unknown flag --${m[1]} (known: ${known.map(k => '--' + k).join(' ')})`);
    flags[m[1]] = m[2] === undefined ? 'true' : m[2];
  }
  return flags;
}

// ---- per-message compressed flag -------------------------------------------

// Buffers that arrived with the compressed flag set / clear, keyed by the very
// Buffer object grpc-js later hands to the deserializer.
const arrivedCompressed = new WeakSet();
const arrivedPlain = new WeakSet();
// Deserialized messages -> whether their frame had the compressed flag.
const messageFlag = new WeakMap();
// Response objects the server application wants compressed.
const wantCompressed = new WeakSet();
// Server calls that announced `grpc-encoding: gzip` in their response headers.
const gzipCalls = new WeakSet();

const hookState = { client: false, server: false, serverCompress: false, problems: [] };

function noteFrame(frameByte, buffer) {
  if (!Buffer.isBuffer(buffer)) return buffer;
  (frameByte === 1 ? arrivedCompressed : arrivedPlain).add(buffer);
  return buffer;
}

function installWireHooks() {
  // Self-test switch: lets us prove the compression cases fail without the hooks.
  if (process.env.PILOTDECK_INTEROP_NO_WIRE_HOOKS === '1') {
    hookState.problems.push('wire hooks disabled by PILOTDECK_INTEROP_NO_WIRE_HOOKS=1');
    return hookState;
  }
  // Client: CompressionFilter.receiveMessage gets the framed message (flag byte
  // first) and returns the bare, decompressed bytes that reach the deserializer.
  try {
    const { CompressionFilter } = require('@grpc/grpc-js/build/src/compression-filter');
    const original = CompressionFilter && CompressionFilter.prototype.receiveMessage;
    if (typeof original !== 'function') throw new Error('CompressionFilter.receiveMessage not found');
    CompressionFilter.prototype.receiveMessage = async function receiveMessageObserved(message) {
      const framed = await message;
      const result = await original.call(this, Promise.resolve(framed));
      return noteFrame(Buffer.isBuffer(framed) ? framed[0] : -1, result);
    };
    hookState.client = true;
  } catch (e) {
    hookState.problems.push(`client flag hook: ${e.message}`);
  }

  // Server: BaseServerInterceptingCall.decompressMessage gets the framed request
  // message and returns what is handed to the deserializer; serializeMessage
  // frames a response; sendMetadata sends the response headers.
  try {
    const { BaseServerInterceptingCall } = require('@grpc/grpc-js/build/src/server-interceptors');
    const proto = BaseServerInterceptingCall && BaseServerInterceptingCall.prototype;
    for (const name of ['decompressMessage', 'serializeMessage', 'sendMetadata']) {
      if (!proto || typeof proto[name] !== 'function') throw new Error(`BaseServerInterceptingCall.${name} not found`);
    }
    const originalDecompress = proto.decompressMessage;
    proto.decompressMessage = function decompressMessageObserved(message, encoding) {
      const frameByte = Buffer.isBuffer(message) ? message[0] : -1;
      return Promise.resolve(originalDecompress.call(this, message, encoding))
        .then(result => noteFrame(frameByte, result));
    };
    hookState.server = true;

    const originalSendMetadata = proto.sendMetadata;
    proto.sendMetadata = function sendMetadataObserved(metadata) {
      if (!this.metadataSent && metadata && metadata.get('grpc-encoding')[0] === 'gzip') gzipCalls.add(this);
      return originalSendMetadata.call(this, metadata);
    };
    const originalSerialize = proto.serializeMessage;
    proto.serializeMessage = function serializeMessageMaybeCompressed(value) {
      if (!(value && typeof value === 'object' && wantCompressed.has(value) && gzipCalls.has(this))) {
        return originalSerialize.call(this, value);
      }
      const body = zlib.gzipSync(this.handler.serialize(value));
      const framed = Buffer.allocUnsafe(body.length + 5);
      framed.writeUInt8(1, 0);
      framed.writeUInt32BE(body.length, 1);
      body.copy(framed, 5);
      return framed;
    };
    hookState.serverCompress = true;
  } catch (e) {
    hookState.problems.push(`server flag hooks: ${e.message}`);
  }
  return hookState;
}

// Wraps a deserializer so the resulting message remembers its frame's flag.
function observingDeserializer(deserialize) {
  return buffer => {
    const message = deserialize(buffer);
    if (message && typeof message === 'object') {
      if (arrivedCompressed.has(buffer)) messageFlag.set(message, true);
      else if (arrivedPlain.has(buffer)) messageFlag.set(message, false);
    }
    return message;
  };
}

// true / false when the frame's compressed flag was observed, undefined otherwise.
function wasCompressed(message) {
  return message && typeof message === 'object' ? messageFlag.get(message) : undefined;
}

// Server side: asks for this response object to be sent gzip-compressed.
function markCompressed(message) {
  wantCompressed.add(message);
  return message;
}

// Copy of a proto-loader service definition whose deserializers record the flag.
function observingService(serviceDefinition) {
  const copy = {};
  for (const [name, method] of Object.entries(serviceDefinition)) {
    copy[name] = {
      ...method,
      requestDeserialize: observingDeserializer(method.requestDeserialize),
      responseDeserialize: observingDeserializer(method.responseDeserialize),
    };
  }
  return copy;
}

function zeros(n) {
  return Buffer.alloc(n);
}

module.exports = {
  grpc,
  PROTO_ROOT,
  loadTestingPackage,
  parseFlags,
  installWireHooks,
  hookState,
  observingService,
  wasCompressed,
  markCompressed,
  zeros,
};
