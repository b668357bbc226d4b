import type { Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web';
import type { HttpAnswer, HttpRequest, TransportSettings } from './types.js';

/**
 * Browsers: gRPC-Web or Connect over fetch; the browser negotiates the HTTP version itself.
 * connect-web has no send limit (`writeMaxBytes`), so an oversized message is the server's to refuse.
 */
export function createTransport(settings: TransportSettings): Transport {
  const options = { baseUrl: settings.baseUrl, interceptors: settings.interceptors, defaultTimeoutMs: settings.defaultTimeoutMs };
  switch (settings.kind) {
    case 'grpc':
      throw new Error("Browsers cannot speak gRPC (it needs HTTP/2 trailers): use transport: 'grpc-web' or 'connect'.");
    case 'grpc-web':
      return createGrpcWebTransport(options);
    case 'connect':
      // Binary: the server takes streaming Connect calls as protobuf only.
      return createConnectTransport({ ...options, useBinaryFormat: true });
  }
}

export async function sendHttp(request: HttpRequest): Promise<HttpAnswer> {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: request.signal });
  return { status: response.status, body: await response.text() };
}
