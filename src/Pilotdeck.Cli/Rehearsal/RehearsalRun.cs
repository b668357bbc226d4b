using System.Diagnostics;
using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Imports;
using Pilotdeck.Cli.Sessions;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Contracts.Sessions.V1;

namespace Pilotdeck.Cli.Rehearsal;

/// <summary>
/// Plays a <see cref="RehearsalPlan"/> through the real services, the way the pilot-cohort runbook
/// does by hand: cohort, roster import (dry run, then commit), status changes, UAT sessions with
/// transcripts, feedback, the follow-up queue, the backlog (RehearsalRun.Backlog.cs), and reads back
/// what the report needs. Every write is an ordinary API call,
/// so policy, validation and receipts apply as they would to a facilitator.
/// </summary>
public sealed partial class RehearsalRun(PilotdeckClient client, ImportRunner imports, TextWriter progress, CancellationToken cancellationToken)
{
    // Calls in flight at once: enough to keep the server busy, few enough for SQLite's single writer.
    private const int Parallelism = 4;

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public async Task<bool> PurgeAsync(string slug)
    {
        try
        {
            await client.Cohorts.GetCohortAsync(new GetCohortRequest { Slug = slug }, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            Say($"purge: there is no cohort {slug} yet; nothing to purge");
            return false;
        }

        var purged = await client.Cohorts.PurgeCohortAsync(new PurgeCohortRequest { Slug = slug }, cancellationToken: cancellationToken);
        Say($"purge: deleted rehearsal cohort {slug}: {purged.Participants} participant(s), {purged.StatusChanges} status change(s), {purged.Notes} note(s), " +
            $"{purged.Sessions} session(s), {purged.Attachments} attachment(s), {purged.Feedback} feedback");
        return true;
    }

    public async Task<RehearsalResults> RunAsync(string slug, int seed, RehearsalPlan plan, string workDirectory)
    {
        var end = plan.BaseDate.AddDays(RehearsalPlan.Days - 1);
        await client.Cohorts.CreateCohortAsync(new CreateCohortRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Cohort = new Cohort
            {
                Slug = slug, Title = $"Rehearsal (seed {seed})", StartDate = Date(plan.BaseDate), EndDate = Date(end), TargetSize = plan.Participants.Count,
                DefaultChannel = "wechat", DefaultLocale = "zh-CN", Rehearsal = true,
            },
        }, cancellationToken: cancellationToken);
        await SetStateAsync(slug, CohortState.Recruiting);
        Say($"cohort: created rehearsal cohort {slug} ({Date(plan.BaseDate)} to {Date(end)}), now recruiting");

        var roster = Path.Combine(workDirectory, $"{slug}-roster.csv");
        await File.WriteAllTextAsync(roster, plan.RosterCsv(), new UTF8Encoding(false), cancellationToken);
        var options = new Dictionary<string, string> { ["cohort"] = slug };
        var committed = await imports.RunAsync("roster", roster, options, dryRun: false, approval: null, workDirectory);
        if (committed.State != ImportState.Committed)
        {
            throw new CliException(ExitCodes.For(StatusCode.Aborted), $"the roster import {committed.ImportId} ended {committed.State}: {committed.Failure}",
                $"See `pilotdeck imports show {committed.ImportId}`.");
        }

        Say($"roster: imported {roster} ({committed.CreatedCount} created, {committed.RejectedCount} rejected)");
        var rejected = await RejectedRowsAsync(committed);

        var ids = await ParticipantIdsAsync(slug);
        var changes = 0;
        await ForEachAsync(plan.Participants.Where(p => p.Steps.Count > 0), async person =>
        {
            foreach (var status in person.Steps)
            {
                await MoveAsync(ids[person.Email], status, plan);
                Interlocked.Increment(ref changes);
            }
        });
        await SetStateAsync(slug, CohortState.Running);
        Say($"statuses: {changes} status change(s) along the lifecycle; cohort running");

        var attachments = 0;
        await ForEachAsync(plan.Sessions, async session =>
        {
            var created = await client.Sessions.CreateSessionAsync(new CreateSessionRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Session = new Session
                {
                    ParticipantId = ids[session.Email], SessionDate = session.SessionDate, Satisfaction = session.Satisfaction, Trust = session.Trust,
                    Summary = session.Summary, FollowUp = session.FollowUp,
                },
            }, cancellationToken: cancellationToken);
            if (session.Transcript is { } transcript)
            {
                await AttachAsync(created.Session, transcript);
                Interlocked.Increment(ref attachments);
            }
        });
        Say($"sessions: {plan.Sessions.Count} UAT session(s), {attachments} transcript(s) attached");

        await ForEachAsync(plan.Feedback, async feedback =>
        {
            var request = new SubmitFeedbackRequest
            {
                RequestId = Guid.NewGuid().ToString(), ParticipantId = ids[feedback.Email], Rating = feedback.Rating, Sentiment = feedback.Sentiment,
                GivenTime = Timestamp.FromDateTimeOffset(feedback.GivenTime),
            };
            request.Highlights.AddRange(feedback.Highlights);
            request.Blockers.AddRange(feedback.Blockers);
            await client.Feedback.SubmitFeedbackAsync(request, cancellationToken: cancellationToken);
        });
        Say($"feedback: {plan.Feedback.Count} piece(s) submitted");

        var results = await ReadBackAsync(slug, committed, rejected, attachments);
        Say("read back: funnel, sessions, feedback summary and follow-up queue");
        // After the follow-up queue is read: telling reporters of a fix counts as contacting them.
        return results with { Backlog = await RehearseBacklogAsync(slug, plan) };
    }

    private async Task<RehearsalResults> ReadBackAsync(string slug, Import roster, IReadOnlyList<string> rejected, int attachments)
    {
        var cohort = (await client.Cohorts.GetCohortAsync(new GetCohortRequest { Slug = slug }, cancellationToken: cancellationToken)).Cohort;
        var sessions = await AllAsync(async (size, token) =>
        {
            var page = await client.Sessions.ListSessionsAsync(new ListSessionsRequest { Cohort = slug, PageSize = size, PageToken = token }, cancellationToken: cancellationToken);
            return (page.Sessions.AsEnumerable(), page.NextPageToken);
        });
        var summary = await client.Feedback.GetFeedbackSummaryAsync(new GetFeedbackSummaryRequest { Cohort = slug }, cancellationToken: cancellationToken);
        var followups = await AllAsync(async (size, token) =>
        {
            var page = await client.Followups.ListFollowupsAsync(new ListFollowupsRequest { Cohort = slug, PageSize = size, PageToken = token }, cancellationToken: cancellationToken);
            return (page.Followups.AsEnumerable(), page.NextPageToken);
        });
        return new RehearsalResults(cohort, roster, rejected, sessions, attachments, summary, followups);
    }

    private async Task MoveAsync(string participantId, string status, RehearsalPlan plan)
    {
        var participant = new Participant { ParticipantId = participantId, Status = System.Enum.Parse<ParticipantStatus>(status, ignoreCase: true) };
        var request = new UpdateParticipantRequest { Participant = participant, UpdateMask = new FieldMask { Paths = { "status" } } };
        switch (status)
        {
            case "scheduled":
                // They answered the invitation: off the follow-up queue.
                participant.ReplyTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(plan.BaseDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
                request.UpdateMask.Paths.Add("reply_time");
                request.Note = "Booked a UAT session (rehearsal).";
                break;
            case "dropped":
                request.Note = "Stopped taking part (rehearsal).";
                break;
        }

        await client.Cohorts.UpdateParticipantAsync(request, cancellationToken: cancellationToken);
    }

    private async Task AttachAsync(Session session, string transcript)
    {
        var metadata = new UploadAttachmentMetadata
        {
            RequestId = Guid.NewGuid().ToString(), ParticipantId = session.ParticipantId, SessionId = session.SessionId, FileName = "transcript.vtt", ContentType = "text/vtt",
        };
        await using var content = new MemoryStream(Encoding.UTF8.GetBytes(transcript));
        await client.Sessions.UploadAttachmentAsync(metadata, content, cancellationToken: cancellationToken);
    }

    private async Task<IReadOnlyList<string>> RejectedRowsAsync(Import import)
    {
        if (import.RejectedCount == 0)
        {
            return [];
        }

        var rows = await client.Imports.ListImportRowsAsync(new ListImportRowsRequest { ImportId = import.ImportId, Outcome = RowOutcome.Rejected, PageSize = 50 }, cancellationToken: cancellationToken);
        return rows.Rows.Select(r => $"row {r.RowNumber}: {r.Reason}").ToList();
    }

    private async Task<Dictionary<string, string>> ParticipantIdsAsync(string slug)
    {
        var all = await AllAsync(async (size, token) =>
        {
            var page = await client.Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug, PageSize = size, PageToken = token }, cancellationToken: cancellationToken);
            return (page.Participants.AsEnumerable(), page.NextPageToken);
        });
        return all.ToDictionary(p => p.Email, p => p.ParticipantId, StringComparer.Ordinal);
    }

    private async Task SetStateAsync(string slug, CohortState state) =>
        await client.Cohorts.UpdateCohortAsync(new UpdateCohortRequest { Cohort = new Cohort { Slug = slug, State = state }, UpdateMask = new FieldMask { Paths = { "state" } } },
            cancellationToken: cancellationToken);

    private static Task<List<T>> AllAsync<T>(Func<int, string, Task<(IEnumerable<T> Items, string NextPageToken)>> page) => Paging.CollectAllAsync(page);

    private Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> body) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (item, _) => await body(item));

    private void Say(string what) => progress.WriteLine($"[{_clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture),6}s] {what}");

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>What the services answered after the rehearsal: the report is made from these alone.</summary>
public sealed record RehearsalResults(
    Cohort Cohort, Import Roster, IReadOnlyList<string> RejectedRows, IReadOnlyList<Session> Sessions, int Attachments,
    GetFeedbackSummaryResponse Feedback, IReadOnlyList<Followup> Followups)
{
    public RehearsedBacklog? Backlog { get; init; }
}
