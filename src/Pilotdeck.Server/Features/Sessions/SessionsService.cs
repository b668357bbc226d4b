using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Sessions.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Sessions;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Features.Cohorts;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Blobs;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Idempotency;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Policy;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Sessions;

/// <summary>
/// pilotdeck.sessions.v1 (docs/sessions.md): sessions here, attachments in
/// SessionsService.Attachments.cs. Every query runs in the caller's tenant; another tenant's
/// participant, session or attachment is as unknown as one that never existed.
/// </summary>
public sealed partial class SessionsService(
    PilotdeckDbContext db, IdempotentCreates idempotent, Pager pager, ChangeReceipts receipts, PolicyGate policy, IBlobStore blobs,
    IOptions<AttachmentOptions> attachmentOptions, ITenantContext tenant, TimeProvider time)
    : Contracts.Sessions.V1.SessionsService.SessionsServiceBase
{
    private static readonly string[] SessionFields = ["session_date", "satisfaction", "trust", "summary", "follow_up"];

    public override async Task<CreateSessionResponse> CreateSession(CreateSessionRequest request, ServerCallContext context)
    {
        var input = request.Session ?? new Session();
        var now = Now();
        var session = new SessionRecord { Id = OrderedIds.New(now), ParticipantId = input.ParticipantId.Trim(), Facilitator = receipts.Actor, CreatedAt = now, UpdatedAt = now };
        var violations = Apply(session, input, SessionFields);
        if (session.ParticipantId.Length == 0)
        {
            violations.Insert(0, new FieldViolation("session.participant_id", "is required"));
        }

        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        var participant = CohortLookup.EnsureNotErased(await CohortLookup.FindParticipantAsync(db, session.ParticipantId, "session.participant_id", tracked: false, context.CancellationToken));
        return await idempotent.RunAsync(context.Method, request.RequestId, request, CreateSessionResponse.Parser, () => receipts.RecordAsync(context.Method, r => "sessions/" + r.Session.SessionId, async () =>
        {
            db.Sessions.Add(session);
            await db.SaveChangesAsync(context.CancellationToken);
            return new CreateSessionResponse { Session = SessionMapping.ToContract(session) };
        }, context.CancellationToken), context.CancellationToken,
        authorize: () => policy.AuthorizeAsync(GovernedActions.SessionCreate, ParticipantChanges.NameOf(participant.Id), new Dictionary<string, object?>
        {
            ["satisfaction"] = (long)session.Satisfaction,
            ["trust"] = (long)session.Trust,
        }, request, context));
    }

    public override async Task<GetSessionResponse> GetSession(GetSessionRequest request, ServerCallContext context) =>
        new() { Session = SessionMapping.ToContract(await FindSessionAsync(request.SessionId, "session_id", context.CancellationToken)) };

    public override async Task<ListSessionsResponse> ListSessions(ListSessionsRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var participantId = request.ParticipantId.Trim();
        if (participantId.Length > 0)
        {
            await CohortLookup.FindParticipantAsync(db, participantId, "participant_id", tracked: false, cancellationToken);
        }

        var cohortId = request.Cohort.Trim().Length == 0 ? null : (await CohortLookup.FindAsync(db, request.Cohort, "cohort", tracked: false, cancellationToken)).Id;
        var page = pager.Read(request.PageSize, request.PageToken, $"participant={participantId}|cohort={cohortId}");
        var query = db.Sessions.AsNoTracking();
        if (participantId.Length > 0)
        {
            query = query.Where(s => s.ParticipantId == participantId);
        }

        if (cohortId is not null)
        {
            query = query.Where(s => db.Participants.Any(p => p.Id == s.ParticipantId && p.CohortId == cohortId));
        }

        // Keyset on (session time, id), both descending: the latest session first.
        if (page.After is { } after)
        {
            var (heldAt, id) = NewestFirstKey.Parse(after);
            query = query.Where(s => s.HeldAt < heldAt || (s.HeldAt == heldAt && string.Compare(s.Id, id) < 0));
        }

        var rows = await query.OrderByDescending(s => s.HeldAt).ThenByDescending(s => s.Id).Take(page.FetchCount).ToListAsync(cancellationToken);
        var (items, next) = pager.Page(page, rows, s => new NewestFirstKey(s.HeldAt, s.Id).ToString());
        var response = new ListSessionsResponse { NextPageToken = next };
        response.Sessions.AddRange(items.Select(SessionMapping.ToContract));
        return response;
    }

    public override async Task<UpdateSessionResponse> UpdateSession(UpdateSessionRequest request, ServerCallContext context)
    {
        var input = request.Session ?? throw ApiErrors.InvalidArgument(new FieldViolation("session.session_id", "is required"));
        var paths = (request.UpdateMask?.Paths ?? []).ToList();
        if (paths.Count == 0 || paths.Any(p => !SessionFields.Contains(p)))
        {
            throw ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.UpdateMaskInvalid, $"update_mask must list fields among: {string.Join(", ", SessionFields)}.",
                violations: [new FieldViolation("update_mask", "lists no field, or a field that cannot be updated")]);
        }

        // Changed untracked: a denial by the policy saves its decision, and must not save this too.
        var session = await FindSessionAsync(input.SessionId, "session.session_id", context.CancellationToken);
        CohortLookup.EnsureNotErased(await db.Participants.AsNoTracking().SingleAsync(p => p.Id == session.ParticipantId, context.CancellationToken));
        var previousUpdate = session.UpdatedAt;
        var violations = Apply(session, input, paths);
        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        session.UpdatedAt = Now();
        await policy.AuthorizeAsync(GovernedActions.SessionUpdate, SessionMapping.NameOf(session), new Dictionary<string, object?>
        {
            ["fields"] = paths.Cast<object?>().ToList(),
            ["satisfaction"] = (long)session.Satisfaction,
            ["trust"] = (long)session.Trust,
        }, request, context);
        return await receipts.RecordAsync(context.Method, r => "sessions/" + r.Session.SessionId, async () =>
        {
            // The time read is the concurrency token: a session changed since then is not overwritten.
            db.Sessions.Update(session).Property(s => s.UpdatedAt).OriginalValue = previousUpdate;
            await db.SaveChangesAsync(context.CancellationToken);
            return new UpdateSessionResponse { Session = SessionMapping.ToContract(session) };
        }, context.CancellationToken);
    }

    /// <summary>Copies the named fields of <paramref name="input"/> onto <paramref name="session"/>, checking each.</summary>
    private static List<FieldViolation> Apply(SessionRecord session, Session input, IReadOnlyCollection<string> paths)
    {
        var violations = new List<FieldViolation>();
        foreach (var path in paths)
        {
            var error = path switch
            {
                "session_date" => ApplyDate(session, input.SessionDate),
                "satisfaction" => Score(session.Satisfaction = input.Satisfaction),
                "trust" => Score(session.Trust = input.Trust),
                "summary" => Text(session.Summary = input.Summary.Trim()),
                "follow_up" => Text(session.FollowUp = input.FollowUp.Trim()),
                _ => null,
            };
            if (error is not null)
            {
                violations.Add(new FieldViolation("session." + path, error));
            }
        }

        return violations;

        static string? Score(int value) => value is < 1 or > 5 ? "must be between 1 and 5" : null;

        static string? Text(string value) => value.Length > SessionRecord.MaxTextLength ? $"must be at most {SessionRecord.MaxTextLength} characters" : null;
    }

    private static string? ApplyDate(SessionRecord session, string text)
    {
        if (SessionMapping.ParseDate(text, out var error) is { } parsed)
        {
            (session.HeldAt, session.HeldAtOffsetMinutes) = parsed;
        }

        return error;
    }

    // Whole milliseconds: SQLite (as stored here) and PostgreSQL keep less than a tick, and what a
    // change returns must equal what a later read gives.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    private async Task<SessionRecord> FindSessionAsync(string id, string field, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation(field, "is required"));
        }

        return await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id.Trim(), cancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.SessionNotFound, "Session", id);
    }
}
