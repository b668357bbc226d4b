import type { DescService } from '@bufbuild/protobuf';
import { createClient, type Client, type Interceptor, type Transport } from '@connectrpc/connect';
import { createTransport } from '#platform';
import { authInterceptor } from './auth/auth-interceptor.js';
import { TokenEndpoint } from './auth/token-endpoint.js';
import { TokenManager } from './auth/token-manager.js';
import { requestIdInterceptor } from './calls/request-id-interceptor.js';
import { retryInterceptor } from './calls/retry-interceptor.js';
import type { Credentials, TokenSet } from './credentials.js';
import { GuardianService } from './gen/pilotdeck/guardian/v1/guardian_pb.js';
import { IdentityService } from './gen/pilotdeck/identity/v1/identity_pb.js';
import { JobsService } from './gen/pilotdeck/jobs/v1/jobs_pb.js';
import { ReceiptsService } from './gen/pilotdeck/receipts/v1/receipts_pb.js';
import { PolicyService } from './gen/pilotdeck/policy/v1/policy_pb.js';
import { ApprovalsService } from './gen/pilotdeck/policy/v1/approvals_pb.js';
import { CohortsService } from './gen/pilotdeck/cohorts/v1/cohorts_pb.js';
import { FollowupsService } from './gen/pilotdeck/cohorts/v1/followups_pb.js';
import { BacklogService } from './gen/pilotdeck/backlog/v1/backlog_pb.js';
import { FeedbackService } from './gen/pilotdeck/feedback/v1/feedback_pb.js';
import { NotificationsService } from './gen/pilotdeck/notifications/v1/notifications_pb.js';
import { ImportsService } from './gen/pilotdeck/imports/v1/imports_pb.js';
import { SessionsService } from './gen/pilotdeck/sessions/v1/sessions_pb.js';
import { RetentionService } from './gen/pilotdeck/retention/v1/retention_pb.js';
import { SystemService } from './gen/pilotdeck/system/v1/system_pb.js';

export interface PilotdeckClientOptions {
  /** The API's address, e.g. `http://127.0.0.1:5080` (h2c) or `https://pilotdeck.example.com`. */
  readonly serverUrl: string;
  /** How to sign in; leave out for anonymous calls (only `SystemService.GetServerInfo` and health accept them). */
  readonly credentials?: Credentials;
  /** Deadline of a call that sets no `timeoutMs`, covering token requests, retries and backoff. Default 30 000 ms. */
  readonly defaultDeadlineMs?: number;
  /**
   * `'grpc'` (default; Node only, HTTP/2), `'grpc-web'` (browsers, and Node) or `'connect'` (the
   * Connect protocol in its binary form; browsers, and Node: unary calls are plain HTTP requests).
   */
  readonly transport?: 'grpc' | 'grpc-web' | 'connect';
  /**
   * Node only: the HTTP version for gRPC-Web, Connect and the token endpoint. Default `'2'`, because
   * the API port speaks HTTP/2 alone; `'1.1'` for the API's HTTP/1.1 endpoint. Browsers choose for themselves.
   */
  readonly httpVersion?: '1.1' | '2';
  /** Total attempts of an idempotent unary call failing with UNAVAILABLE. Default 4. */
  readonly maxAttempts?: number;
  /** First retry waits up to this long; the bound doubles per retry. Default 200 ms. */
  readonly initialBackoffMs?: number;
  /** Cap of the retry wait. Default 5 000 ms. */
  readonly maxBackoffMs?: number;
  /** The token endpoint; by default read from the server's `/.well-known/openid-configuration`. */
  readonly tokenEndpoint?: string;
  /** Called with every new token set; persist it if you store tokens (refresh tokens are single-use). */
  readonly onTokens?: (tokens: TokenSet) => void;
  /**
   * The largest request message sent, default 4 MiB (the server's default receive limit:
   * raise both together). A larger one fails in the client with RESOURCE_EXHAUSTED instead of being
   * sent; `null` leaves the limit to the server.
   */
  readonly maxSendMessageBytes?: number | null;
  /** Your own interceptors, run outermost (before request ids, retries and tokens). */
  readonly interceptors?: Interceptor[];
}

export interface PilotdeckClient {
  readonly system: Client<typeof SystemService>;
  readonly identity: Client<typeof IdentityService>;
  readonly guardian: Client<typeof GuardianService>;
  readonly jobs: Client<typeof JobsService>;
  readonly receipts: Client<typeof ReceiptsService>;
  readonly policy: Client<typeof PolicyService>;
  readonly approvals: Client<typeof ApprovalsService>;
  readonly cohorts: Client<typeof CohortsService>;
  readonly followups: Client<typeof FollowupsService>;
  readonly feedback: Client<typeof FeedbackService>;
  /** pilotdeck.backlog.v1: a cohort's iteration backlog, release changelogs and "fixed" notices. */
  readonly backlog: Client<typeof BacklogService>;
  readonly notifications: Client<typeof NotificationsService>;
  /** pilotdeck.imports.v1: CSV imports (upload, dry-run plan, commit, signed error manifests). */
  readonly imports: Client<typeof ImportsService>;
  /** pilotdeck.sessions.v1: UAT sessions and their attachments (client-streamed upload over gRPC; server-streamed download). */
  readonly sessions: Client<typeof SessionsService>;
  /** pilotdeck.retention.v1: retention windows per data class, retention runs (and dry runs), erasure of a participant (admins). */
  readonly retention: Client<typeof RetentionService>;
  /** The intercepted transport; `createClient(AnyService, client.transport)` shares its tokens. */
  readonly transport: Transport;
  /** The current tokens, obtained or renewed first when needed; undefined for an anonymous client. */
  getTokens(): Promise<TokenSet | undefined>;
}

/** The server's default receive limit (its Pilotdeck:Grpc:MaxReceiveMessageBytes). */
const DEFAULT_MAX_SEND_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Typed clients for every Pilotdeck service over one transport and one token. */
export function createPilotdeckClient(options: PilotdeckClientOptions): PilotdeckClient {
  const httpVersion = options.httpVersion ?? '2';
  const baseUrl = options.serverUrl.replace(/\/+$/, '');
  const tokens = options.credentials
    ? new TokenManager(options.credentials, new TokenEndpoint(baseUrl, httpVersion, options.tokenEndpoint), options.onTokens)
    : undefined;
  // Outermost first: the id is fixed before the first attempt, and every attempt gets a current token.
  const interceptors: Interceptor[] = [
    ...(options.interceptors ?? []),
    requestIdInterceptor,
    retryInterceptor({
      maxAttempts: options.maxAttempts ?? 4,
      initialBackoffMs: options.initialBackoffMs ?? 200,
      maxBackoffMs: options.maxBackoffMs ?? 5_000,
    }),
    ...(tokens ? [authInterceptor(tokens)] : []),
  ];
  const transport = createTransport({
    kind: options.transport ?? 'grpc',
    baseUrl,
    httpVersion,
    interceptors,
    defaultTimeoutMs: options.defaultDeadlineMs ?? 30_000,
    writeMaxBytes: options.maxSendMessageBytes === null ? undefined : options.maxSendMessageBytes ?? DEFAULT_MAX_SEND_MESSAGE_BYTES,
  });
  const client = <T extends DescService>(service: T) => createClient(service, transport);
  return {
    system: client(SystemService),
    identity: client(IdentityService),
    guardian: client(GuardianService),
    jobs: client(JobsService),
    receipts: client(ReceiptsService),
    policy: client(PolicyService),
    approvals: client(ApprovalsService),
    cohorts: client(CohortsService),
    followups: client(FollowupsService),
    feedback: client(FeedbackService),
    backlog: client(BacklogService),
    notifications: client(NotificationsService),
    imports: client(ImportsService),
    sessions: client(SessionsService),
    retention: client(RetentionService),
    transport,
    getTokens: async () => tokens?.get(),
  };
}
