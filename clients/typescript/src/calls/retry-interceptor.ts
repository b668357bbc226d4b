import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { isRetryable } from './idempotency.js';

export interface RetryOptions {
  /** Total attempts of an idempotent unary call failing with UNAVAILABLE. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

/**
 * Sends an idempotent unary call again when it fails with UNAVAILABLE, with gRPC's retry backoff:
 * a random wait up to a bound that doubles per retry, capped. The call's deadline covers every
 * attempt and every wait; when it passes, the call ends with DEADLINE_EXCEEDED.
 */
export function retryInterceptor(options: RetryOptions): Interceptor {
  return next => async req => {
    if (req.stream || !isRetryable(req.method)) return next(req);
    const deadline = deadlineOf(req.header);
    let bound = options.initialBackoffMs;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1 && deadline !== undefined) {
        // The header was written once, for the whole call; a repeat tells the server what is left.
        req.header.set(TIMEOUT_HEADER, `${Math.max(1, Math.ceil(deadline - Date.now()))}m`);
      }
      try {
        return await next(req);
      } catch (error) {
        if (attempt >= options.maxAttempts || ConnectError.from(error).code !== Code.Unavailable || req.signal.aborted) throw error;
      }
      await sleep(Math.random() * bound, req.signal);
      bound = Math.min(bound * 2, options.maxBackoffMs);
    }
  };
}

const TIMEOUT_HEADER = 'grpc-timeout';

/** When the call's deadline passes, from the `grpc-timeout` Connect wrote (in milliseconds) before the first attempt. */
function deadlineOf(header: Headers): number | undefined {
  const match = /^(\d+)m$/.exec(header.get(TIMEOUT_HEADER) ?? '');
  return match ? Date.now() + Number(match[1]) : undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(ConnectError.from(signal.reason, Code.DeadlineExceeded));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
