using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Contracts.Retention.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Imports;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Data.Retention;
using Pilotdeck.Server.Features.Cohorts;
using Pilotdeck.Server.Features.Feedback;

namespace Pilotdeck.Server.Features.Retention;

/// <summary>
/// Removes personal data, class by class, from the rows an <see cref="ErasureScope"/> selects: the one
/// place that knows where each class lives and what happens to it, for retention runs and erasures
/// alike. A dry run counts exactly the rows a real run changes (rows already cleared are not counted
/// again, so a second run counts nothing). Runs inside the caller's transaction; attachment files are
/// only queued (<see cref="BlobDeletionRecord"/>) and deleted by <see cref="BlobDeletions"/> after the
/// commit, so a failure leaves every row and every file as it was.
/// </summary>
public sealed class PersonalDataEraser(PilotdeckDbContext db, FeedbackAggregates feedbackCounts, TimeProvider time)
{
    private const string ParticipantSource = "participants/";

    /// <summary>Erases (or counts) every retention class in scope; one count per class and kind of record, zeros included.</summary>
    public async Task<IReadOnlyList<ErasedCount>> EraseAsync(ErasureScope scope, bool dryRun, CancellationToken cancellationToken)
    {
        var counts = new List<ErasedCount>();
        var run = new Run(dryRun, counts, time.GetUtcNow());
        await FeedbackTextAsync(scope, run, cancellationToken);
        await SessionTextAsync(scope, run, cancellationToken);
        await AttachmentsAsync(scope, run, cancellationToken);
        await NotesAsync(scope, DataClass.OutreachNotes, ParticipantNoteRecord.NoteKind, "outreach_notes", run, cancellationToken);
        await NotesAsync(scope, DataClass.FollowupHistory, ParticipantNoteRecord.NudgeKind, "nudge_notes", run, cancellationToken);
        await MessagesAsync(scope, run, cancellationToken);
        await ImportFilesAsync(scope, run, cancellationToken);
        return counts;
    }

    private async Task FeedbackTextAsync(ErasureScope scope, Run run, CancellationToken cancellationToken)
    {
        var feedback = scope.Select(DataClass.FeedbackText, db.Feedback, f => f.ParticipantId, f => f.CreatedAt);
        var items = db.FeedbackItems.Where(i => feedback.Select(f => f.Id).Contains(i.FeedbackId));

        // Stored reports copy blocker wordings. Retention clears every blocker of a report older than the
        // window; erasure, in the participant's cohorts, the groups that show one of their wordings.
        var reports = db.FeedbackReports.Where(r => r.SummaryJson.Contains("\"blockers\""));
        Func<BlockerGroup, bool> shows;
        if (scope.ParticipantId is null)
        {
            var before = DateOnly.FromDateTime(scope.CutoffOf(DataClass.FeedbackText)!.Value.UtcDateTime);
            reports = reports.Where(r => r.Day < before);
            shows = _ => true;
        }
        else
        {
            var wordings = (await items.Where(i => i.Kind == Data.Feedback.FeedbackItemRecord.Blocker).Select(i => i.Text).Distinct().ToListAsync(cancellationToken))
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            reports = reports.Where(r => feedback.Select(f => f.CohortId).Contains(r.CohortId));
            shows = group => wordings.Contains(group.Text) || group.Variants.Any(wordings.Contains);
        }

        var scrubbed = 0;
        foreach (var report in await reports.ToListAsync(cancellationToken))
        {
            var summary = GetFeedbackSummaryResponse.Parser.ParseJson(report.SummaryJson);
            var kept = summary.Blockers.Where(g => !shows(g)).ToList();
            if (kept.Count == summary.Blockers.Count)
            {
                continue;
            }

            scrubbed++;
            summary.Blockers.Clear();
            summary.Blockers.AddRange(kept);
            report.SummaryJson = JsonFormatter.Default.Format(summary);
        }

        // The cohorts' blocker counts lose these blockers in the same transaction: summaries stay exact.
        run.Add(DataClass.FeedbackText, "feedback_items", Treatment.Deleted, await run.ApplyAsync(items, q => feedbackCounts.DeleteItemsAsync(q, cancellationToken), cancellationToken));
        run.Add(DataClass.FeedbackText, "feedback_reports", Treatment.Anonymised, scrubbed);
        if (run.DryRun)
        {
            db.ChangeTracker.Clear();
        }
    }

    private async Task SessionTextAsync(ErasureScope scope, Run run, CancellationToken cancellationToken)
    {
        var sessions = scope.Select(DataClass.SessionText, db.Sessions, s => s.ParticipantId, s => s.CreatedAt).Where(s => s.Summary != "" || s.FollowUp != "");
        // UpdatedAt is the session's concurrency token: an edit racing with this one fails instead of writing text back.
        run.Add(DataClass.SessionText, "sessions", Treatment.Anonymised, await run.ApplyAsync(sessions, q => q.ExecuteUpdateAsync(
            s => s.SetProperty(x => x.Summary, "").SetProperty(x => x.FollowUp, "").SetProperty(x => x.UpdatedAt, run.Now), cancellationToken), cancellationToken));
    }

    private async Task AttachmentsAsync(ErasureScope scope, Run run, CancellationToken cancellationToken)
    {
        var attachments = scope.Select(DataClass.Attachments, db.Attachments, a => a.ParticipantId, a => a.CreatedAt);
        var count = await run.ApplyAsync(attachments, async q =>
        {
            var keys = await q.Select(a => a.BlobKey).ToListAsync(cancellationToken);
            db.BlobDeletions.AddRange(keys.Select(key => new BlobDeletionRecord { BlobKey = key, CreatedAt = run.Now }));
            await db.SaveChangesAsync(cancellationToken);
            return await q.ExecuteDeleteAsync(cancellationToken);
        }, cancellationToken);
        run.Add(DataClass.Attachments, "attachments", Treatment.Deleted, count);
    }

    private async Task NotesAsync(ErasureScope scope, DataClass dataClass, string kind, string records, Run run, CancellationToken cancellationToken)
    {
        var notes = scope.Select(dataClass, db.ParticipantNotes.Where(n => n.Kind == kind && n.Text != ""), n => n.ParticipantId, n => n.CreatedAt);
        run.Add(dataClass, records, Treatment.Anonymised, await run.ApplyAsync(notes, q => q.ExecuteUpdateAsync(s => s.SetProperty(n => n.Text, ""), cancellationToken), cancellationToken));
    }

    /// <summary>
    /// Messages sent to or about a participant (nudges): recipient, subject and body cleared, the row and its
    /// dedupe key kept so the nudge is never sent again. A pending one is stopped (dead): it has nothing left to send.
    /// </summary>
    private async Task MessagesAsync(ErasureScope scope, Run run, CancellationToken cancellationToken)
    {
        var messages = db.OutboxMessages.Where(m => m.Source.StartsWith(ParticipantSource) && (m.Recipient != "" || m.Subject != "" || m.Body != ""));
        // Retention leaves a message still being delivered alone; erasure stops it.
        messages = scope.ParticipantId is null ? messages.Where(m => m.State != OutboxStates.Pending) : messages;
        messages = scope.Select(DataClass.FollowupHistory, messages, m => m.Source, m => m.CreatedAt, ParticipantChanges.NameOf);
        run.Add(DataClass.FollowupHistory, "messages", Treatment.Anonymised, await run.ApplyAsync(messages, q => q.ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Recipient, "").SetProperty(m => m.Subject, "").SetProperty(m => m.Body, "")
            .SetProperty(m => m.State, m => m.State == OutboxStates.Pending ? OutboxStates.Dead : m.State), cancellationToken), cancellationToken));
    }

    /// <summary>
    /// Uploaded import files: retention takes those of imports older than the window that are not
    /// being planned or committed; erasure, every file whose plan has a row keyed by the participant
    /// (cohort slug and email or alias, as the roster importer keys them). The file's chunks go and
    /// its rows lose their keys; counts, outcomes and reasons stay. An import left without its file
    /// cannot be planned again: one not yet committed is marked failed, saying so.
    /// </summary>
    private async Task ImportFilesAsync(ErasureScope scope, Run run, CancellationToken cancellationToken)
    {
        IQueryable<ImportRecord> imports;
        IQueryable<ImportRowRecord> rows;
        Func<IQueryable<ImportRowRecord>, Task<int>> eraseKeys;
        if (scope.ParticipantId is { } id)
        {
            var key = await db.Participants.Where(p => p.Id == id)
                .Join(db.Cohorts, p => p.CohortId, c => c.Id, (p, c) => c.Slug + "/" + p.NaturalKey)
                .SingleAsync(cancellationToken);
            imports = db.Imports.Where(i => db.ImportRows.HoldingKey(key).Any(r => r.ImportId == i.Id));
            rows = db.ImportRows.HoldingKey(key);
            eraseKeys = q => q.EraseKeyAsync(key, cancellationToken);
        }
        else
        {
            var cutoff = scope.CutoffOf(DataClass.ImportFiles)!.Value;
            imports = db.Imports.Where(i => i.CreatedAt < cutoff && i.State != ImportStates.Planning && i.State != ImportStates.Committing);
            rows = db.ImportRows.Where(r => (r.Key != "" || r.Keys != "") && imports.Select(i => i.Id).Contains(r.ImportId));
            eraseKeys = q => q.ExecuteUpdateAsync(s => s.SetProperty(r => r.Key, "").SetProperty(r => r.Keys, ""), cancellationToken);
        }

        var chunks = db.ImportChunks.Where(c => imports.Select(i => i.Id).Contains(c.ImportId));
        var files = imports.Where(i => db.ImportChunks.Any(c => c.ImportId == i.Id));
        var uncommitted = files.Where(i => i.State != ImportStates.Committed);
        var count = await run.ApplyAsync(files, async q =>
        {
            var removed = await q.CountAsync(cancellationToken);
            await uncommitted.ExecuteUpdateAsync(s => s
                .SetProperty(i => i.State, ImportStates.Failed)
                .SetProperty(i => i.Failure, FileRemoved)
                .SetProperty(i => i.UpdatedAt, run.Now), cancellationToken);
            await chunks.ExecuteDeleteAsync(cancellationToken);
            return removed;
        }, cancellationToken);
        run.Add(DataClass.ImportFiles, "import_files", Treatment.Deleted, count);
        run.Add(DataClass.ImportFiles, "import_rows", Treatment.Anonymised,
            await run.ApplyAsync(rows, eraseKeys, cancellationToken));
    }

    /// <summary>Why an import can no longer be planned or committed; also what PlanImport answers for it.</summary>
    public const string FileRemoved = "Its uploaded file was removed (personal-data retention or erasure); upload the file again as a new import.";

    private sealed record Run(bool DryRun, List<ErasedCount> Counts, DateTimeOffset Now)
    {
        /// <summary>The change's own count of rows it changed, or in a dry run the count of rows it would change.</summary>
        public async Task<int> ApplyAsync<T>(IQueryable<T> rows, Func<IQueryable<T>, Task<int>> change, CancellationToken cancellationToken) =>
            DryRun ? await rows.CountAsync(cancellationToken) : await change(rows);

        public void Add(DataClass dataClass, string records, Treatment treatment, int count) =>
            Counts.Add(new ErasedCount { DataClass = dataClass, Records = records, Treatment = treatment, Count = count });
    }
}
