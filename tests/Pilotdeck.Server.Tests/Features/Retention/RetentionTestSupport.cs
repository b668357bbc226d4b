using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Contracts.Retention.V1;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Feedback;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Server.Tests.Features.Sessions;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Retention;

/// <summary>A participant with something of every data class, made through the real API (and, for what only jobs write, the database).</summary>
internal sealed record HeldData(string TenantId, string ParticipantId, string CohortId, Metadata Caller);

internal sealed class RetentionTestSupport(HostFixture host)
{
    public SessionsTestSupport Sessions { get; } = new(host);

    public RetentionService.RetentionServiceClient Retention => new(host.CreateChannel());

    public FeedbackService.FeedbackServiceClient Feedback => new(host.CreateChannel());

    /// <summary>A new cohort of the caller's tenant; its slug.</summary>
    public async Task<string> CohortAsync(Metadata caller)
    {
        var slug = "ret-" + Guid.NewGuid().ToString("N")[..10];
        await Sessions.Cohorts.CreateCohortAsync(new CreateCohortRequest { Cohort = new Cohort { Slug = slug, Title = "Retention" } }, caller);
        return slug;
    }

    /// <summary>A roster file of <c>alias,email</c> <paramref name="rows"/> imported into the cohort: planned, and committed unless a dry run.</summary>
    public async Task<Import> ImportRosterAsync(Metadata caller, string slug, bool dryRun, params string[] rows)
    {
        var request = new CreateImportRequest
        {
            Kind = "roster", SourceFileName = "seed.csv", DryRun = dryRun,
            Source = ByteString.CopyFromUtf8(string.Join("\n", ["alias,email", .. rows]) + "\n"),
        };
        request.Options.Add("cohort", slug);
        return (await new ImportsService.ImportsServiceClient(host.CreateChannel()).CreateImportAsync(request, caller)).Import;
    }

    /// <summary>
    /// A new participant of <paramref name="tenant"/> with feedback (a highlight and a blocker), a session, an
    /// attachment, an outreach note, a nudge note and the nudge's message (still pending when <paramref name="pendingMessage"/>).
    /// </summary>
    public async Task<HeldData> ParticipantWithDataAsync(TenantUnderTest tenant, string blocker = "CSV export times out", bool pendingMessage = false)
    {
        var (caller, _, participantId) = await Sessions.ParticipantAsync(tenant);
        await Feedback.SubmitFeedbackAsync(new SubmitFeedbackRequest
        {
            ParticipantId = participantId, Rating = 2, Sentiment = "negative", Highlights = { "Setup was quick" }, Blockers = { blocker },
        }, caller);
        var session = await Sessions.CreateAsync(caller, participantId);
        await Sessions.UploadAsync(caller, SessionsTestSupport.Metadata(participantId, sessionId: session.SessionId), Encoding.UTF8.GetBytes(SessionsTestSupport.VttTranscript));
        await Sessions.Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest
        {
            Participant = new Participant { ParticipantId = participantId }, Note = "Lin prefers calls after 6pm",
        }, caller);
        var cohortId = await Sessions.InDatabaseAsync(tenant.TenantId, async db =>
        {
            var participant = await db.Participants.SingleAsync(p => p.Id == participantId);
            db.ParticipantNotes.Add(new ParticipantNoteRecord
            {
                ParticipantId = participantId, Kind = ParticipantNoteRecord.NudgeKind, Text = "Nudge 1 queued by the daily job (email).",
                Author = "system:followup-nudges", CreatedAt = DateTimeOffset.UtcNow,
            });
            db.OutboxMessages.Add(new OutboxMessageRecord
            {
                Id = "msg_" + Guid.NewGuid().ToString("N"), Channel = NotificationChannels.Smtp, Recipient = participant.Email,
                Subject = "Fall pilot", Body = "Hi Lin, we would love to hear from you.", Source = "participants/" + participantId,
                DedupeKey = $"nudge:{participantId}:1", State = pendingMessage ? OutboxStates.Pending : OutboxStates.Delivered, CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
            return participant.CohortId;
        });
        return new HeldData(tenant.TenantId, participantId, cohortId, caller);
    }

    /// <summary>Moves everything of the participant <paramref name="days"/> into the past, as if it had been held that long.</summary>
    public Task AgeAsync(HeldData data, int days) => Sessions.InDatabaseAsync(data.TenantId, async db =>
    {
        var then = DateTimeOffset.UtcNow.AddDays(-days);
        var id = data.ParticipantId;
        await db.Feedback.Where(f => f.ParticipantId == id).ExecuteUpdateAsync(s => s.SetProperty(f => f.CreatedAt, then));
        await db.Sessions.Where(x => x.ParticipantId == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.CreatedAt, then));
        await db.Attachments.Where(a => a.ParticipantId == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.CreatedAt, then));
        await db.ParticipantNotes.Where(n => n.ParticipantId == id).ExecuteUpdateAsync(s => s.SetProperty(n => n.CreatedAt, then));
        await db.OutboxMessages.Where(m => m.Source == "participants/" + id).ExecuteUpdateAsync(s => s.SetProperty(m => m.CreatedAt, then));
        return 0;
    });

    /// <summary>Stores a daily report of the participant's cohort, <paramref name="daysAgo"/> old, that shows <paramref name="blocker"/>.</summary>
    public Task<long> StoreReportAsync(HeldData data, int daysAgo, string blocker) => Sessions.InDatabaseAsync(data.TenantId, async db =>
    {
        var summary = new GetFeedbackSummaryResponse { Total = 1, Blockers = { new BlockerGroup { Text = blocker, Count = 1, Participants = 1 } } };
        var report = new FeedbackReportRecord
        {
            CohortId = data.CohortId, Day = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-daysAgo)), Total = 1, AverageRating = 2,
            SummaryJson = Google.Protobuf.JsonFormatter.Default.Format(summary), CreatedAt = DateTimeOffset.UtcNow,
        };
        db.FeedbackReports.Add(report);
        await db.SaveChangesAsync();
        return report.Id;
    });

    public Task<int> ReportBlockersAsync(string tenantId, long reportId) => Sessions.InDatabaseAsync(tenantId, async db =>
        GetFeedbackSummaryResponse.Parser.ParseJson((await db.FeedbackReports.SingleAsync(r => r.Id == reportId)).SummaryJson).Blockers.Count);

    /// <summary>What is left of the participant's personal data, class by class.</summary>
    public Task<Remaining> RemainingAsync(HeldData data) => Sessions.InDatabaseAsync(data.TenantId, async db =>
    {
        var id = data.ParticipantId;
        return new Remaining(
            await db.Feedback.CountAsync(f => f.ParticipantId == id),
            await db.FeedbackItems.CountAsync(i => i.ParticipantId == id),
            await db.Sessions.CountAsync(s => s.ParticipantId == id && (s.Summary != "" || s.FollowUp != "")),
            await db.Attachments.CountAsync(a => a.ParticipantId == id),
            Sessions.FilesOf(data.TenantId, id).Length,
            await db.ParticipantNotes.CountAsync(n => n.ParticipantId == id && n.Text != ""),
            await db.OutboxMessages.CountAsync(m => m.Source == "participants/" + id && m.Body != ""));
    });

    public static IEnumerable<(string Records, long Count)> Counts(IEnumerable<ErasedCount> counts) => counts.Select(c => (c.Records, c.Count));
}

/// <summary>Rows (and files) of one participant still holding personal data; feedback rows themselves hold none.</summary>
internal sealed record Remaining(int FeedbackRows, int FeedbackItems, int SessionsWithText, int Attachments, int Files, int NotesWithText, int MessagesWithBody)
{
    public static Remaining Full => new(1, 2, 1, 1, 1, 2, 1);

    public static Remaining Erased => new(1, 0, 0, 0, 0, 0, 0);
}
