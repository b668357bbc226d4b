using Pilotdeck.Client;
using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;

namespace Pilotdeck.Cli.Api;

/// <summary>
/// What to do about each failure, in one place: by the server's ErrorInfo reason first (the
/// reasons of docs/api/error-reasons.md), then by the token endpoint's OAuth2 error, then by the
/// bare gRPC status for failures that carry no reason (transport, deadlines).
/// </summary>
public static class ErrorAdvice
{
    /// <summary>Advice per ErrorInfo reason. <c>{name}</c> is replaced by the ErrorInfo metadata entry of that name.</summary>
    public static readonly IReadOnlyDictionary<ErrorReason, string> ByReason = new Dictionary<ErrorReason, string>
    {
        [ErrorReason.TokenMissing] = "Run `pilotdeck login` first.",
        [ErrorReason.TokenInvalid] = "The saved login is not valid for this server: run `pilotdeck login` again (check --server).",
        [ErrorReason.TokenExpired] = "Your login has expired: run `pilotdeck login` again.",
        [ErrorReason.PrincipalDisabled] = "This account or API client is disabled, revoked or no longer a member: ask a tenant admin, then run `pilotdeck login` again.",
        [ErrorReason.RoleInsufficient] = "Your role is too low for this (it needs {required_role}): ask a tenant owner or admin to raise it with `pilotdeck admin members set-role`.",
        [ErrorReason.ScopeMissing] = "The API client lacks a scope this needs ({required_scopes}): log in with a client that has it (`pilotdeck admin clients create --scope ...`).",
        [ErrorReason.FieldInvalid] = "Correct the values listed above and run the command again.",
        [ErrorReason.PageTokenInvalid] = "The page token is stale or from another listing: run the command again without --page-token.",
        [ErrorReason.UpdateMaskInvalid] = "Only the role of a member can be changed: use `pilotdeck admin members set-role`.",
        [ErrorReason.RequestIdReused] = "A request id was reused for a different request: run the command again (it picks a new id).",
        [ErrorReason.MemberNotFound] = "No such member in this tenant: see `pilotdeck admin members list`.",
        [ErrorReason.MemberExists] = "They are already a member: change their role with `pilotdeck admin members set-role`.",
        [ErrorReason.ApiClientNotFound] = "No such API client in this tenant: see `pilotdeck admin clients list --show-revoked`.",
        [ErrorReason.PasswordRejected] = "The initial password does not meet the password rules listed above: choose a longer, less common one.",
        [ErrorReason.ManifestMissing] = "Upload target/manifest.json: run `dbt parse` first to write it.",
        [ErrorReason.ManifestInvalid] = "Run `dbt parse` again and upload the whole target/manifest.json.",
        [ErrorReason.CatalogInvalid] = "Run `dbt docs generate` again, or analyze without the catalog.",
        [ErrorReason.UploadTooLarge] = "The upload exceeds the server's limit ({max_upload_bytes} bytes): send less (split an import file, narrow a dbt project, shorten a recording), or ask the operator to raise Pilotdeck:Imports:MaxUploadBytes, Pilotdeck:Guardian:MaxUploadBytes or Pilotdeck:Attachments:MaxUploadBytes.",
        [ErrorReason.ProjectTooLarge] = "The project holds more {budget} than the server analyses (at most {limit}): analyze a smaller part of it, run `pilotdeck guardian analyze` locally, or ask the operator to raise Pilotdeck:Guardian:MaxNodes / MaxColumns.",
        [ErrorReason.UploadStalled] = "The upload paused longer than the server waits for the next chunk ({idle_timeout_ms} ms): check the connection and run the command again.",
        [ErrorReason.JobRunNotFound] = "No such job run in this tenant: check the id, or list the runs on the portal's Jobs page.",
        [ErrorReason.ReceiptNotFound] = "No such receipt in this tenant: check the id, or list the receipts.",
        [ErrorReason.ReceiptPending] = "The receipt is not in a signed checkpoint yet: ask again in {checkpoint_delay_ms} ms.",
        [ErrorReason.TreeSizeInvalid] = "That tree size is not one of the log's checkpoints (the latest is {latest_tree_size}): use 0 for the latest.",
        [ErrorReason.SubjectNotFound] = "No receipts for that subject in this tenant: check the resource name, e.g. members/<user id>.",
        [ErrorReason.EvidenceTooLarge] = "The filter matches {matched_receipts} receipts; one bundle holds at most {max_receipts}: narrow it with --subject, --actor, --action, --since or --until.",
        [ErrorReason.JobRunNotRetryable] = "The run is {state} or expired from the job server: wait for it to finish, or let the next scheduled run do the work.",
        [ErrorReason.AnalysisNotFound] = "No such analysis in this tenant: check the id.",
        [ErrorReason.PolicyBundleInvalid] = "Fix each line named above; `pilotdeck policy apply --dry-run FILE` checks a bundle without applying it.",
        [ErrorReason.PolicyDenied] = "The tenant's policy does not allow this (rule {rule_id}); see `pilotdeck policy show`, or ask an admin.",
        [ErrorReason.ApprovalRequired] = "Approval request {approval_id} is open: a member with the {approver_role} role runs `pilotdeck approvals approve {approval_id}`; then repeat this exact command with --approval {approval_id}.",
        [ErrorReason.ApprovalNotFound] = "No such approval request in this tenant: see `pilotdeck approvals list`.",
        [ErrorReason.ApprovalNotPending] = "The approval request is {state}: a new attempt needs a new approval (repeat the command without --approval).",
        [ErrorReason.ApproverNotEligible] = "You cannot decide this request (your own, already decided by you, or it needs the {approver_role} role): ask another member.",
        [ErrorReason.ApprovalMismatch] = "The approval was for a different request: repeat exactly the approved command, or drop --approval to ask for a new approval.",
        [ErrorReason.PolicyVersionNotFound] = "No such policy version: see `pilotdeck policy versions`.",
        [ErrorReason.CohortNotFound] = "No such cohort in this tenant: see `pilotdeck cohort cohorts`.",
        [ErrorReason.CohortNotRehearsal] = "Cohort '{slug}' holds real participants, not a rehearsal's: only cohorts `pilotdeck rehearse` created can be purged. Rehearse under another slug.",
        [ErrorReason.CohortExists] = "This tenant already has a cohort '{slug}': pick another slug, or use that cohort.",
        [ErrorReason.ParticipantNotFound] = "No such participant in this tenant: `pilotdeck cohort list --cohort <slug>` shows ids.",
        [ErrorReason.ParticipantExists] = "The cohort already has this participant ({participant_id}): update them with `pilotdeck cohort update {participant_id}`.",
        [ErrorReason.TransitionNotAllowed] = "States only move forward, to the ones the error lists as allowed next: go to one of those first, and on from there (a final state does not change).",
        [ErrorReason.RouteNotFound] = "The server has no HTTP route {method} {path}: check that --server names a Pilotdeck API as new as this CLI.",
        [ErrorReason.QueryParameterInvalid] = "The server could not read the query parameter {parameter}: this CLI sends gRPC, so check that --server names a Pilotdeck gRPC endpoint.",
        [ErrorReason.RequestJsonInvalid] = "The server could not read the request's JSON (line {line}, column {column}): this CLI sends gRPC, so check that --server names a Pilotdeck gRPC endpoint.",
        [ErrorReason.ConcurrentUpdate] = "Someone changed the same record at the same moment: look at it again (`pilotdeck cohort show`), then repeat the command.",
        [ErrorReason.BacklogItemNotFound] = "No such backlog item in this tenant: `pilotdeck backlog list --cohort <slug>` shows ids.",
        [ErrorReason.BacklogItemMerged] = "That item was merged into {merged_into}: change that one (`pilotdeck backlog show {merged_into}`).",
        [ErrorReason.BacklogMergeNotAllowed] = "Item {item_id} cannot be merged: {problem}.",
        [ErrorReason.FeedbackReportNotFound] = "No daily report was stored for that date: `pilotdeck feedback reports --cohort <slug>` lists the stored days; omit --date for the live report.",
        [ErrorReason.NotificationNotFound] = "No such message in this tenant: see `pilotdeck notifications list`.",
        [ErrorReason.NotificationNotDead] = "The message is {state}: only dead messages are retried by hand; pending ones are retried by the delivery job.",
        [ErrorReason.NotificationChannelNotConfigured] = "The {channel} channel is not configured: an admin sets it with `pilotdeck notifications channels set-webhook` or `set-smtp`.",
        [ErrorReason.NotificationChannelInvalid] = "Fix the named fields ({fields}) and run the command again; see docs/notifications.md for each channel's settings.",
        [ErrorReason.ImportNotFound] = "No such import in this tenant: see `pilotdeck imports list`.",
        [ErrorReason.ImporterUnknown] = "No importer of that kind; the server has: {kinds}.",
        [ErrorReason.ImportNotCsv] = "The file is not CSV text (see byte {byte_offset}): export it as \"CSV UTF-8\" and import that.",
        [ErrorReason.ImportPlanChanged] = "The data changed since the dry-run, so nothing was committed: run `pilotdeck imports plan ID`, review, and commit the new plan hash ({current_plan_hash}).",
        [ErrorReason.ImportStateInvalid] = "The import is {state}: wait with `pilotdeck imports watch ID`; a committed import is done; file_removed means upload the file again as a new import.",
        [ErrorReason.ImportHeaderInvalid] = "Fix the file's header row as listed above; `pilotdeck imports create --help` and docs/imports.md list the columns.",
        [ErrorReason.ImportNoRejectedRows] = "The plan rejected no rows ({state}): there is nothing to fix.",
        [ErrorReason.SessionNotFound] = "No such session in this tenant: `pilotdeck uat-sessions list --participant <uuid>` shows ids.",
        [ErrorReason.AttachmentNotFound] = "No such attachment in this tenant: `pilotdeck uat-sessions attachments --participant <uuid>` shows ids.",
        [ErrorReason.AttachmentTypeMismatch] = "The file is not {declared_type} (it looks like {detected_type}): pass the right --content-type, or convert the file.",
        [ErrorReason.AttachmentTypeUnsupported] = "Attachments must be one of: {accepted_types}. Convert the file to one of them.",
        [ErrorReason.ParticipantErased] = "The participant's personal data was erased at {erase_time}: nothing more is recorded about them. Someone who comes back is added as a new participant (`pilotdeck cohort add`).",
        [ErrorReason.SubjectExportIncomplete] = "Attachment {attachment_id}'s stored file is missing or damaged, so nothing was exported: restore the blob store from the backup taken with the database, then export again.",
    };

    /// <summary>Advice per OAuth2 error of the token endpoint (RFC 6749 §5.2).</summary>
    public static readonly IReadOnlyDictionary<string, string> ByOAuthError = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["invalid_grant"] = "Wrong email or password, or the saved login has ended: run `pilotdeck login` again.",
        ["invalid_client"] = "The client id or secret is wrong, or the client was revoked or expired: check them, or issue a new secret with `pilotdeck admin clients rotate`.",
        ["invalid_scope"] = "The client may not ask for that scope: omit it, or use a client created with it.",
        ["unsupported_grant_type"] = "The server does not support this login method: upgrade the CLI or the server so they match.",
    };

    /// <summary>Advice per status for errors without a reason.</summary>
    public static readonly IReadOnlyDictionary<StatusCode, string> ByStatus = new Dictionary<StatusCode, string>
    {
        [StatusCode.Unavailable] = "Cannot reach the server at {server}: is it running (./run.sh) and is --server right?",
        [StatusCode.DeadlineExceeded] = "The server did not answer in time: try again; if it keeps happening, check the server's health and logs.",
        [StatusCode.Unimplemented] = "The server does not offer this operation: upgrade the server or use a CLI of the same version.",
        [StatusCode.Unauthenticated] = "Run `pilotdeck login` again.",
        [StatusCode.PermissionDenied] = "Ask a tenant owner or admin for access.",
        [StatusCode.Cancelled] = "The command was cancelled.",
        [StatusCode.Internal] = "The call failed inside the client or server: try again, and report it if it persists.",
        [StatusCode.Unknown] = "The server failed unexpectedly: try again, and report it with the time of the failure if it persists.",
    };

    /// <summary>Writes the error and its advice; returns the exit code.</summary>
    public static int Report(TextWriter error, Exception exception, Uri? server)
    {
        // A call whose token request was refused carries the refusal as the status' debug exception.
        if (exception is RpcException { Status.DebugException: PilotdeckAuthException refused })
        {
            exception = refused;
        }

        switch (exception)
        {
            case RpcException rpc:
            {
                var reason = PilotdeckErrors.ReasonOf(rpc);
                var metadata = PilotdeckErrors.MetadataOf(rpc);
                error.WriteLine($"error: {StatusName(rpc.StatusCode)}{(reason is null ? "" : $" ({reason})")}: {rpc.Status.Detail}");
                foreach (var (field, description) in PilotdeckErrors.FieldViolationsOf(rpc))
                {
                    error.WriteLine($"  {field}: {description}");
                }

                var advice = ByReason.TryGetValue(ErrorReasons.Parse(reason), out var byReason) ? byReason
                    : ByStatus.TryGetValue(rpc.StatusCode, out var byStatus) ? byStatus
                    : null;
                WriteAdvice(error, advice, metadata, server);
                return ExitCodes.For(rpc.StatusCode);
            }

            case PilotdeckAuthException auth:
                error.WriteLine($"error: login refused ({auth.Error}): {auth.Description}");
                WriteAdvice(error, ByOAuthError.GetValueOrDefault(auth.Error, "Run `pilotdeck login` again."), null, server);
                return ExitCodes.For(StatusCode.Unauthenticated);

            case HttpRequestException http:
                error.WriteLine($"error: UNAVAILABLE: {http.Message}");
                WriteAdvice(error, ByStatus[StatusCode.Unavailable], null, server);
                return ExitCodes.For(StatusCode.Unavailable);

            case CliException cli:
                error.WriteLine($"error: {cli.Message}");
                WriteAdvice(error, cli.Advice, null, server);
                return cli.ExitCode;

            // A file the command was given that is not there or cannot be read or written: the
            // system's own words ("Could not find file '/tmp/roster.csv'."), not a stack trace.
            case IOException or UnauthorizedAccessException:
                error.WriteLine($"error: {exception.Message}");
                WriteAdvice(error, exception is FileNotFoundException or DirectoryNotFoundException ? $"A relative path is read from the current directory, {Environment.CurrentDirectory}." : null, null, server);
                return ExitCodes.Usage;

            default:
                throw exception;
        }
    }

    /// <summary>The protocol's name for a status, e.g. NOT_FOUND, as grpcurl and the docs spell it.</summary>
    public static string StatusName(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        _ => string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant(),
    };

    private static void WriteAdvice(TextWriter error, string? advice, IReadOnlyDictionary<string, string>? metadata, Uri? server)
    {
        if (advice is null)
        {
            return;
        }

        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            advice = advice.Replace("{" + key + "}", value, StringComparison.Ordinal);
        }

        advice = advice.Replace("{server}", server?.ToString() ?? "the configured address", StringComparison.Ordinal);
        error.WriteLine($"hint: {advice}");
    }
}
