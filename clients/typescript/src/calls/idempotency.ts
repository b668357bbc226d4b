import type { DescMessage, DescMethod } from '@bufbuild/protobuf';
import { ScalarType } from '@bufbuild/protobuf';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';

/**
 * Whether a method may be sent again after UNAVAILABLE: unary methods the proto declares
 * `option idempotency_level = NO_SIDE_EFFECTS` (or `IDEMPOTENT`), and unary creates whose request
 * has a `request_id` (the server answers a repeat of the same id with the first result). Streaming
 * calls are never repeated: their request stream cannot be replayed.
 */
export function isRetryable(method: DescMethod): boolean {
  if (method.methodKind !== 'unary') return false;
  return method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS
    || method.idempotency === MethodOptions_IdempotencyLevel.IDEMPOTENT
    || requestIdField(method.input) !== undefined;
}

/** The request's singular string `request_id` field, if it has one. */
export function requestIdField(message: DescMessage) {
  return message.fields.find(f => f.name === 'request_id' && f.fieldKind === 'scalar' && f.scalar === ScalarType.STRING);
}
