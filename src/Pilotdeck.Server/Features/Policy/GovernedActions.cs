namespace Pilotdeck.Server.Features.Policy;

/// <summary>
/// Every action the policy engine governs, with the request attributes its rules can read under
/// <c>request</c>. A bundle naming an action not listed here, or reading an attribute an action
/// does not have, does not validate: validation evaluates each condition against these samples.
/// </summary>
public static class GovernedActions
{
    public const string MemberCreate = "members.create";
    public const string MemberUpdateRole = "members.update-role";
    public const string MemberDelete = "members.delete";
    public const string ApiClientCreate = "api-clients.create";
    public const string PolicyApply = "policy.apply";
    public const string EvidenceExport = "receipts.export";
    public const string CohortCreate = "cohorts.create";
    public const string CohortUpdate = "cohorts.update";
    public const string CohortPurge = "cohorts.purge";
    public const string ParticipantCreate = "participants.create";
    public const string ParticipantUpdate = "participants.update";
    public const string ParticipantExport = "participants.export";
    public const string ParticipantSubjectExport = "participants.subject-export";
    public const string ImportCommit = "imports.commit";
    public const string FeedbackSubmit = "feedback.submit";
    public const string SessionCreate = "sessions.create";
    public const string SessionUpdate = "sessions.update";
    public const string AttachmentUpload = "attachments.upload";
    public const string BacklogCreate = "backlog.create";
    public const string BacklogUpdate = "backlog.update";
    public const string BacklogPromote = "backlog.promote";
    public const string BacklogMerge = "backlog.merge";
    public const string BacklogNotify = "backlog.notify";
    public const string ParticipantErase = "participants.erase";
    public const string RetentionUpdate = "retention.update";
    public const string RetentionRun = "retention.run";

    /// <summary>Action → a sample of its attributes (types as the rules see them).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Samples =
        new Dictionary<string, IReadOnlyDictionary<string, object?>>
        {
            [MemberCreate] = new Dictionary<string, object?> { ["role"] = "VIEWER" },
            [MemberUpdateRole] = new Dictionary<string, object?> { ["role"] = "ADMIN", ["previous_role"] = "VIEWER" },
            [MemberDelete] = new Dictionary<string, object?> { ["role"] = "VIEWER" },
            [ApiClientCreate] = new Dictionary<string, object?> { ["scopes"] = new List<object?> { "members.read" }, ["lifetime_days"] = 90L },
            [PolicyApply] = new Dictionary<string, object?> { ["version"] = 2L, ["rule_count"] = 3L },
            [EvidenceExport] = new Dictionary<string, object?> { ["subject"] = "members/u1", ["actor"] = "", ["action"] = "" },
            [CohortCreate] = new Dictionary<string, object?> { ["target_size"] = 40L, ["rehearsal"] = false },
            [CohortUpdate] = new Dictionary<string, object?> { ["fields"] = new List<object?> { "state" }, ["state"] = "running", ["previous_state"] = "recruiting" },
            [CohortPurge] = new Dictionary<string, object?> { ["participants"] = 200L },
            [ParticipantCreate] = new Dictionary<string, object?> { ["status"] = "invited", ["channel"] = "wechat", ["source"] = "referral", ["tags"] = new List<object?> { "vip" } },
            [ParticipantUpdate] = new Dictionary<string, object?> { ["fields"] = new List<object?> { "status" }, ["status"] = "scheduled", ["previous_status"] = "invited" },
            [ParticipantExport] = new Dictionary<string, object?> { ["statuses"] = new List<object?> { "invited" } },
            [ParticipantSubjectExport] = new Dictionary<string, object?> { ["cohort"] = "fall-2025", ["attachments"] = 2L },
            [FeedbackSubmit] = new Dictionary<string, object?> { ["rating"] = 2L, ["sentiment"] = "negative", ["highlights"] = 1L, ["blockers"] = 2L },
            [ImportCommit] = new Dictionary<string, object?>
            {
                ["kind"] = "identities", ["rows"] = 10L, ["created"] = 5L, ["updated"] = 2L, ["unchanged"] = 2L, ["rejected"] = 1L,
            },
            [SessionCreate] = new Dictionary<string, object?> { ["satisfaction"] = 4L, ["trust"] = 3L },
            [SessionUpdate] = new Dictionary<string, object?> { ["fields"] = new List<object?> { "summary" }, ["satisfaction"] = 4L, ["trust"] = 3L },
            [AttachmentUpload] = new Dictionary<string, object?> { ["content_type"] = "video/mp4", ["size_bytes"] = 1_048_576L, ["has_session"] = true },
            [BacklogCreate] = new Dictionary<string, object?> { ["has_owner"] = true, ["participants"] = 2L, ["feedback"] = 2L },
            [BacklogUpdate] = new Dictionary<string, object?>
            {
                ["fields"] = new List<object?> { "state" }, ["state"] = "shipped", ["previous_state"] = "fixed", ["target_release"] = "2025.11.2",
            },
            [BacklogPromote] = new Dictionary<string, object?> { ["groups"] = 5L },
            [BacklogMerge] = new Dictionary<string, object?> { ["duplicates"] = 1L },
            [BacklogNotify] = new Dictionary<string, object?> { ["release"] = "2025.11.2", ["items"] = 2L, ["participants"] = 3L },
            [ParticipantErase] = new Dictionary<string, object?> { ["status"] = "completed" },
            [RetentionUpdate] = new Dictionary<string, object?> { ["data_classes"] = new List<object?> { "attachments" }, ["shortest_days"] = 90L },
            [RetentionRun] = new Dictionary<string, object?>(),
        };

    /// <summary>The governed actions a pattern names: an exact name, a prefix ending in <c>*</c>, or <c>*</c>.</summary>
    public static IEnumerable<string> Matching(string pattern) => Samples.Keys.Where(action => Matches(pattern, action));

    public static bool Matches(string pattern, string action) =>
        pattern.EndsWith('*') ? action.StartsWith(pattern[..^1], StringComparison.Ordinal) : pattern == action;
}
