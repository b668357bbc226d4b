import { Code, ConnectError } from '@connectrpc/connect';
import { BadRequestSchema, ErrorInfoSchema } from './gen/google/rpc/error_details_pb.js';

/** The domain of every ErrorInfo Pilotdeck sends. */
export const PILOTDECK_ERROR_DOMAIN = 'pilotdeck';

export interface FieldViolation {
  /** The request field, e.g. `email` or `member.display_name`. */
  readonly field: string;
  readonly description: string;
}

/** A failed call, decoded from its `google.rpc.Status` (the `grpc-status-details-bin` trailer). */
export interface PilotdeckError {
  /** The gRPC status code, e.g. `Code.InvalidArgument`. */
  readonly code: Code;
  /** The code's name as gRPC spells it, e.g. `INVALID_ARGUMENT`. */
  readonly codeName: string;
  /** The server's message, for people; branch on `reason`, never on this. */
  readonly message: string;
  /**
   * The ErrorInfo reason, e.g. `FIELD_INVALID` or `TOKEN_EXPIRED` (the `ErrorReason` names without
   * their `ERROR_REASON_` prefix; docs/api/error-reasons.md says what each means); undefined when
   * the error carries no ErrorInfo (a network failure, a status from below the handlers).
   */
  readonly reason?: string;
  readonly domain?: string;
  /** The ErrorInfo metadata, e.g. `required_role`, `required_scopes`, `idle_timeout_ms`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The BadRequest field violations of an INVALID_ARGUMENT, in the order the server listed them. */
  readonly fieldViolations: readonly FieldViolation[];
  /** The error as Connect raised it, for anything else (headers, trailers, other details). */
  readonly cause: ConnectError;
}

/** Decodes any error a Pilotdeck call threw; errors that are not ConnectErrors become `Code.Unknown`. */
export function decodeError(error: unknown): PilotdeckError {
  const connectError = ConnectError.from(error);
  const info = connectError.findDetails(ErrorInfoSchema)[0];
  const violations = connectError.findDetails(BadRequestSchema).flatMap(b => b.fieldViolations);
  return {
    code: connectError.code,
    codeName: codeName(connectError.code),
    message: connectError.rawMessage,
    reason: info?.reason || undefined,
    domain: info?.domain || undefined,
    metadata: { ...(info?.metadata ?? {}) },
    fieldViolations: violations.map(v => ({ field: v.field, description: v.description })),
    cause: connectError,
  };
}

/** The ErrorInfo reason of an error, or undefined; shorthand for `decodeError(error).reason`. */
export function reasonOf(error: unknown): string | undefined {
  return decodeError(error).reason;
}

// Code.InvalidArgument → INVALID_ARGUMENT, as gRPC and docs/api/error-reasons.md spell it.
function codeName(code: Code): string {
  return (Code[code] ?? 'UNKNOWN').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}
