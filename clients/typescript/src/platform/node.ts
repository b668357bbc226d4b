import { connect } from 'node:http2';
import type { Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import type { HttpAnswer, HttpRequest, TransportSettings } from './types.js';

/** Node: gRPC, gRPC-Web and Connect over node's http2 (or http for httpVersion '1.1'). */
export function createTransport(settings: TransportSettings): Transport {
  const options = {
    baseUrl: settings.baseUrl,
    interceptors: settings.interceptors,
    defaultTimeoutMs: settings.defaultTimeoutMs,
    writeMaxBytes: settings.writeMaxBytes,
  };
  switch (settings.kind) {
    case 'grpc':
      return createGrpcTransport(options); // gRPC needs HTTP/2: connect-node's gRPC transport always uses it.
    case 'grpc-web':
      return createGrpcWebTransport({ ...options, httpVersion: settings.httpVersion });
    case 'connect':
      // Binary: the server takes streaming Connect calls as protobuf only.
      return createConnectTransport({ ...options, httpVersion: settings.httpVersion, useBinaryFormat: true });
  }
}

/**
 * One HTTP exchange for the OAuth2 endpoints. fetch() in Node speaks HTTP/1.1 only, and the API's
 * gRPC port accepts HTTP/2 alone (prior knowledge on http://), so '2' goes through node:http2.
 */
export async function sendHttp(request: HttpRequest): Promise<HttpAnswer> {
  if (request.httpVersion === '1.1') {
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: request.signal });
    return { status: response.status, body: await response.text() };
  }

  const url = new URL(request.url);
  const session = connect(url.origin);
  try {
    return await new Promise<HttpAnswer>((resolve, reject) => {
      session.once('error', reject);
      const stream = session.request({ ':method': request.method, ':path': url.pathname + url.search, ...request.headers }, { signal: request.signal });
      let status = 0;
      const chunks: Buffer[] = [];
      stream.once('response', headers => { status = Number(headers[':status']); });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') }));
      stream.once('error', reject);
      stream.end(request.body);
    });
  } finally {
    session.close();
  }
}
