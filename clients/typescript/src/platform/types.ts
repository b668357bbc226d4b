import type { Interceptor } from '@connectrpc/connect';

/** What a platform (Node or a browser) needs to build a transport. */
export interface TransportSettings {
  readonly kind: 'grpc' | 'grpc-web' | 'connect';
  readonly baseUrl: string;
  /** Node only: the Pilotdeck API port speaks HTTP/2 alone (h2c on http://), hence '2' by default. */
  readonly httpVersion: '1.1' | '2';
  readonly interceptors: Interceptor[];
  readonly defaultTimeoutMs: number;
  /** The largest message sent (connect's `writeMaxBytes`); undefined for no limit. */
  readonly writeMaxBytes: number | undefined;
}

export interface HttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly httpVersion: '1.1' | '2';
  readonly signal?: AbortSignal;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}
