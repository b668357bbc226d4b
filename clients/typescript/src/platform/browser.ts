import type { Transport } from '@connectrpc/connect';
import { type CommonTransportOptions, type UniversalClientFn, universalClientResponseFromFetch } from '@connectrpc/connect/protocol';
import { createTransport as createConnectProtocolTransport } from '@connectrpc/connect/protocol-connect';
import { createTransport as createGrpcWebProtocolTransport } from '@connectrpc/connect/protocol-grpc-web';
import type { HttpAnswer, HttpRequest, TransportSettings } from './types.js';

/** What connect's protocols take as "no limit" on a message's size. */
const NO_LIMIT = 0xffffffff;

/**
 * Browsers: gRPC-Web or Connect over fetch; the browser negotiates the HTTP version itself.
 *
 * connect-web's transports refuse client-streaming calls, because fetch cannot stream a request
 * body (browsers allow that only over HTTP/2 with `duplex: 'half'`, and not all of them). Both
 * protocols let a client stream travel as one complete body, though — the server reads its
 * messages one by one all the same — so these are connect's own protocol transports over a fetch
 * client that sends the body whole: the uploads (Guardian, imports, attachments) work in a
 * browser too, gathered in memory first; answers still stream in as they arrive.
 */
export function createTransport(settings: TransportSettings): Transport {
  const options: CommonTransportOptions = {
    httpClient: fetchWithWholeBody,
    baseUrl: settings.baseUrl,
    // Binary: the server takes streaming Connect calls as protobuf only.
    useBinaryFormat: true,
    interceptors: settings.interceptors,
    defaultTimeoutMs: settings.defaultTimeoutMs,
    // fetch undoes HTTP's own compression; per-message compression would need a codec browsers lack.
    acceptCompression: [],
    sendCompression: null,
    compressMinBytes: NO_LIMIT,
    readMaxBytes: NO_LIMIT,
    writeMaxBytes: settings.writeMaxBytes ?? NO_LIMIT,
  };
  switch (settings.kind) {
    case 'grpc':
      throw new Error("Browsers cannot speak gRPC (it needs HTTP/2 trailers): use transport: 'grpc-web' or 'connect'.");
    case 'grpc-web':
      return createGrpcWebProtocolTransport(options);
    case 'connect':
      return createConnectProtocolTransport(options);
  }
}

const fetchWithWholeBody: UniversalClientFn = async request => {
  const body = request.body === undefined ? undefined : await gathered(request.body);
  const response = await fetch(request.url, { method: request.method, headers: request.header, body, signal: request.signal, redirect: 'error' });
  return universalClientResponseFromFetch(response);
};

async function gathered(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    length += chunk.byteLength;
  }

  const whole = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.byteLength;
  }

  return whole;
}

export async function sendHttp(request: HttpRequest): Promise<HttpAnswer> {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: request.signal });
  return { status: response.status, body: await response.text() };
}
