import { clone } from '@bufbuild/protobuf';
import type { Interceptor } from '@connectrpc/connect';
import { requestIdField } from './idempotency.js';

/**
 * Gives every create without a `request_id` a fresh UUID before the first attempt, so a retry after
 * UNAVAILABLE is answered with the first attempt's result instead of creating twice. The caller's
 * message is left untouched: the id goes on a copy.
 */
export const requestIdInterceptor: Interceptor = next => async req => {
  if (req.stream) return next(req);
  const field = requestIdField(req.method.input);
  const message = req.message as Record<string, unknown>;
  if (!field || message[field.localName]) return next(req);
  const copy = clone(req.method.input, req.message) as Record<string, unknown>;
  copy[field.localName] = crypto.randomUUID();
  return next({ ...req, message: copy as typeof req.message });
};
