export { createPilotdeckClient, type PilotdeckClient, type PilotdeckClientOptions } from './client.js';
export { clientCredentials, password, token, PilotdeckAuthError, type Credentials, type TokenSet } from './credentials.js';
export { decodeError, reasonOf, PILOTDECK_ERROR_DOMAIN, type FieldViolation, type PilotdeckError } from './errors.js';
export { isRetryable } from './calls/idempotency.js';
export {
  analyzeProjectRequests, uploadAttachmentRequests, uploadImportRequests, chunksOf, DEFAULT_CHUNK_BYTES,
  type UploadSource, type UploadImportOptions, type AnalyzeProjectUpload, type AttachmentUpload,
} from './uploads.js';
export { Code, ConnectError } from '@connectrpc/connect';
export * from './gen/pilotdeck/api/v1/access_pb.js';
export * from './gen/pilotdeck/api/v1/error_reason_pb.js';
export * from './gen/pilotdeck/guardian/v1/guardian_pb.js';
export * from './gen/pilotdeck/identity/v1/identity_pb.js';
export * from './gen/pilotdeck/jobs/v1/jobs_pb.js';
export * from './gen/pilotdeck/cohorts/v1/cohorts_pb.js';
export * from './gen/pilotdeck/cohorts/v1/followups_pb.js';
export * from './gen/pilotdeck/backlog/v1/backlog_pb.js';
export * from './gen/pilotdeck/feedback/v1/feedback_pb.js';
export * from './gen/pilotdeck/notifications/v1/notifications_pb.js';
export * from './gen/pilotdeck/policy/v1/approvals_pb.js';
export * from './gen/pilotdeck/imports/v1/imports_pb.js';
export * from './gen/pilotdeck/policy/v1/policy_pb.js';
export * from './gen/pilotdeck/receipts/v1/receipts_pb.js';
export * from './gen/pilotdeck/retention/v1/retention_pb.js';
export * from './gen/pilotdeck/sessions/v1/sessions_pb.js';
export * from './gen/pilotdeck/system/v1/system_pb.js';
