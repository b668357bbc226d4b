import type { Transport } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-web';
import type { HttpAnswer, HttpRequest, TransportSettings } from './types.js';

/**
 * Browsers: gRPC-Web over fetch; the browser negotiates the HTTP version itself. connect-web has no
 * send limit (`writeMaxBytes`), so an oversized message is the server's to refuse.
 */
export function createTransport(settings: TransportSettings): Transport {
  if (settings.kind === 'grpc') {
    throw new Error("Browsers cannot speak gRPC (it needs HTTP/2 trailers): use transport: 'grpc-web'.");
  }
  return createGrpcWebTransport({
    baseUrl: settings.baseUrl,
    interceptors: settings.interceptors,
    defaultTimeoutMs: settings.defaultTimeoutMs,
  });
}

export async function sendHttp(request: HttpRequest): Promise<HttpAnswer> {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: request.signal });
  return { status: response.status, body: await response.text() };
}
