using Grpc.Core;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Imports.V1;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Retention.V1;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Data.Retention;
using Pilotdeck.Server.Features.Retention;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Features.Retention;

/// <summary>
/// Retention on the real host, per provider: a dry run counts exactly what the run then removes, data
/// within its window stays, attachment files leave the disk, each run leaves a receipt, and one tenant's
/// run never reaches another's data. Windows are validated and overridable per tenant.
/// </summary>
public abstract class RetentionApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : RetentionHostFixture
{
    private readonly TFixture _host;
    private readonly RetentionTestSupport _support;

    protected RetentionApiTests(TFixture host)
    {
        _host = host;
        _support = new RetentionTestSupport(host);
    }

    [Fact]
    public async Task RunRetention_DryRunCountsWhatTheRunRemoves_KeepsWhatIsWithinItsWindow_AndDeletesTheFiles()
    {
        var old = await _support.ParticipantWithDataAsync(_host.Acme, blocker: "Old export bug");
        await _support.AgeAsync(old, days: 400);
        var oldReport = await _support.StoreReportAsync(old, daysAgo: 400, "Old export bug");
        var recent = await _support.ParticipantWithDataAsync(_host.Acme);
        var recentReport = await _support.StoreReportAsync(recent, daysAgo: 3, "CSV export times out");
        var admin = old.Caller;

        var dry = await _support.Retention.RunRetentionAsync(new RunRetentionRequest { DryRun = true }, admin);
        Assert.Equal(Remaining.Full, await _support.RemainingAsync(old));
        var run = await _support.Retention.RunRetentionAsync(new RunRetentionRequest(), admin);

        (string, long)[] expected =
            [("feedback_items", 2), ("feedback_reports", 1), ("sessions", 1), ("attachments", 1), ("outreach_notes", 1), ("nudge_notes", 1), ("messages", 1), ("import_files", 0), ("import_rows", 0)];
        Assert.Equal(expected, RetentionTestSupport.Counts(dry.Counts));
        Assert.Equal(expected, RetentionTestSupport.Counts(run.Counts));
        Assert.Equal((true, ""), (dry.DryRun, dry.ReceiptSubject));
        Assert.Equal(Remaining.Erased, await _support.RemainingAsync(old));
        Assert.Equal(Remaining.Full, await _support.RemainingAsync(recent));
        Assert.Equal((0, 1), (await _support.ReportBlockersAsync(old.TenantId, oldReport), await _support.ReportBlockersAsync(recent.TenantId, recentReport)));
        var receipt = await _support.Sessions.InDatabaseAsync(old.TenantId, db => db.Receipts.SingleAsync(r => r.Subject == run.ReceiptSubject));
        Assert.Equal("retention.run", receipt.Action);
        var again = await _support.Retention.RunRetentionAsync(new RunRetentionRequest { DryRun = true }, admin);
        Assert.All(again.Counts, c => Assert.Equal(0, c.Count));
    }

    [Fact]
    public async Task UpdateRetentionPolicy_ATenantsOwnWindow_AppliesToItsRuns_AndZeroReturnsToTheDefault()
    {
        var held = await _support.ParticipantWithDataAsync(_host.Acme);
        await _support.AgeAsync(held, days: 20);

        var set = await _support.Retention.UpdateRetentionPolicyAsync(new UpdateRetentionPolicyRequest
        {
            Windows = { new RetentionWindowChange { DataClass = DataClass.SessionText, Days = 10 } },
        }, held.Caller);
        var dry = await _support.Retention.RunRetentionAsync(new RunRetentionRequest { DryRun = true }, held.Caller);
        var reset = await _support.Retention.UpdateRetentionPolicyAsync(new UpdateRetentionPolicyRequest
        {
            Windows = { new RetentionWindowChange { DataClass = DataClass.SessionText, Days = 0 } },
        }, held.Caller);

        var session = set.Windows.Single(w => w.DataClass == DataClass.SessionText);
        Assert.Equal((10, 365, true, Treatment.Anonymised), (session.Days, session.DefaultDays, session.Overridden, session.Treatment));
        Assert.Equal(1, dry.Counts.Single(c => c.Records == "sessions").Count);
        Assert.All(dry.Counts.Where(c => c.Records != "sessions"), c => Assert.Equal(0, c.Count));
        Assert.Equal((365, false), reset.Windows.Where(w => w.DataClass == DataClass.SessionText).Select(w => (w.Days, w.Overridden)).Single());
        var policy = await _support.Retention.GetRetentionPolicyAsync(new GetRetentionPolicyRequest(), held.Caller);
        Assert.Equal([DataClass.FeedbackText, DataClass.SessionText, DataClass.Attachments, DataClass.OutreachNotes, DataClass.FollowupHistory, DataClass.ImportFiles], policy.Windows.Select(w => w.DataClass));
        Assert.Equal(2, await _support.Sessions.InDatabaseAsync(held.TenantId, db => db.Receipts.CountAsync(r => r.Subject == "retention/policy")));
    }

    [Fact]
    public async Task ImportFiles_PastTheirWindow_LoseTheFileAndTheRowKeys_AndCannotBePlannedAgain()
    {
        var caller = await _support.Sessions.Policy.OwnerAsync(_host.Demo);
        var slug = await _support.CohortAsync(caller);
        // The rejected row has no key (its email did not parse); its reason names the field, not the value.
        var committed = await _support.ImportRosterAsync(caller, slug, dryRun: false, "Lin,lin@example.com", "Bad,not-an-email");
        var planned = await _support.ImportRosterAsync(caller, slug, dryRun: true, "Jun,jun@example.com");
        var recent = await _support.ImportRosterAsync(caller, slug, dryRun: true, "Ana,ana@example.com");
        await _support.Sessions.InDatabaseAsync(_host.Demo.TenantId, db => db.Imports.Where(i => i.Id == committed.ImportId || i.Id == planned.ImportId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.CreatedAt, DateTimeOffset.UtcNow.AddDays(-31))));

        var dry = await _support.Retention.RunRetentionAsync(new RunRetentionRequest { DryRun = true }, caller);
        var run = await _support.Retention.RunRetentionAsync(new RunRetentionRequest(), caller);

        (string, long)[] expected = [("import_files", 2), ("import_rows", 2)];
        Assert.Equal(expected, RetentionTestSupport.Counts(dry.Counts.Where(c => c.DataClass == DataClass.ImportFiles)));
        Assert.Equal(expected, RetentionTestSupport.Counts(run.Counts.Where(c => c.DataClass == DataClass.ImportFiles)));
        var left = await _support.Sessions.InDatabaseAsync(_host.Demo.TenantId, async db => (
            Chunks: await db.ImportChunks.Where(c => c.ImportId != recent.ImportId).Select(c => c.ImportId).Distinct().CountAsync(c => c == committed.ImportId || c == planned.ImportId),
            Keys: await db.ImportRows.Where(r => r.Key != "").Select(r => r.ImportId).Distinct().ToListAsync(),
            States: await db.Imports.Where(i => i.Id == committed.ImportId || i.Id == planned.ImportId).OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).Select(i => i.Id + ":" + i.State).ToListAsync()));
        Assert.Equal(0, left.Chunks);
        Assert.Equal([recent.ImportId], left.Keys);
        Assert.Contains(committed.ImportId + ":committed", left.States);
        Assert.Contains(planned.ImportId + ":failed", left.States);
        // What the import made is untouched: the participant stays, and so do the rows' outcomes and reasons.
        Assert.Equal(["lin@example.com"], (await _support.Sessions.Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug }, caller)).Participants.Select(p => p.Email));
        var replan = await Assert.ThrowsAsync<RpcException>(() => new ImportsService.ImportsServiceClient(_host.CreateChannel()).PlanImportAsync(new PlanImportRequest { ImportId = planned.ImportId }, caller).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "IMPORT_STATE_INVALID", "file_removed"), (replan.StatusCode, ApiErrors.ReasonOf(replan), ApiErrors.MetadataOf(replan)["state"]));
        Assert.All((await _support.Retention.RunRetentionAsync(new RunRetentionRequest { DryRun = true }, caller)).Counts, c => Assert.Equal(0, c.Count));
    }

    [Fact]
    public async Task UpdateRetentionPolicy_BadWindows_AreRefusedFieldByField_AndNothingChanges()
    {
        var caller = await _support.Sessions.Policy.OwnerAsync(_host.Demo);

        var empty = await Assert.ThrowsAsync<RpcException>(() => _support.Retention.UpdateRetentionPolicyAsync(new UpdateRetentionPolicyRequest(), caller).ResponseAsync);
        var bad = await Assert.ThrowsAsync<RpcException>(() => _support.Retention.UpdateRetentionPolicyAsync(new UpdateRetentionPolicyRequest
        {
            Windows =
            {
                new RetentionWindowChange { DataClass = DataClass.Unspecified, Days = 30 },
                new RetentionWindowChange { DataClass = DataClass.Attachments, Days = -1 },
                new RetentionWindowChange { DataClass = DataClass.Attachments, Days = 3651 },
                new RetentionWindowChange { DataClass = DataClass.Profile, Days = 30 },
            },
        }, caller).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, "FIELD_INVALID"), (empty.StatusCode, ApiErrors.ReasonOf(empty)));
        Assert.Equal("windows", ApiErrors.MetadataOf(empty)["fields"]);
        Assert.Equal("windows[0].data_class,windows[1].days,windows[2].data_class,windows[2].days,windows[3].data_class", ApiErrors.MetadataOf(bad)["fields"]);
        var policy = await _support.Retention.GetRetentionPolicyAsync(new GetRetentionPolicyRequest(), caller);
        Assert.All(policy.Windows, w => Assert.False(w.Overridden));
    }

    [Fact]
    public async Task DailyJob_RunsPerTenant_AsTheJob_AndLeavesAReceiptOfCounts()
    {
        var old = await _support.ParticipantWithDataAsync(_host.Acme);
        await _support.AgeAsync(old, days: 400);

        var runs = await JobWaits.FireAndWaitAsync(_host.Services, RetentionRuns.JobId);

        Assert.Equal(2, runs.Count);
        Assert.Equal(Remaining.Erased, await _support.RemainingAsync(old));
        var receipt = await _support.Sessions.InDatabaseAsync(old.TenantId, db => db.Receipts.OrderBy(r => r.CreatedAt).LastAsync(r => r.Action == RetentionRuns.Action));
        Assert.Equal("system:" + RetentionRuns.JobId, receipt.Actor);
        Assert.StartsWith("retention/runs/", receipt.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunRetention_FirstDeletesFilesWhoseRowsACrashedRemovalLeftBehind()
    {
        var held = await _support.ParticipantWithDataAsync(_host.Acme);
        // As if a removal committed and the process stopped before deleting the file.
        await _support.Sessions.InDatabaseAsync(held.TenantId, async db =>
        {
            var attachment = await db.Attachments.SingleAsync(a => a.ParticipantId == held.ParticipantId);
            db.Attachments.Remove(attachment);
            db.BlobDeletions.Add(new BlobDeletionRecord { BlobKey = attachment.BlobKey, CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        Assert.Single(_support.Sessions.FilesOf(held.TenantId, held.ParticipantId));

        await _support.Retention.RunRetentionAsync(new RunRetentionRequest { DryRun = true }, held.Caller);
        Assert.Single(_support.Sessions.FilesOf(held.TenantId, held.ParticipantId));
        await _support.Retention.RunRetentionAsync(new RunRetentionRequest(), held.Caller);

        Assert.Empty(_support.Sessions.FilesOf(held.TenantId, held.ParticipantId));
        Assert.Equal(0, await _support.Sessions.InDatabaseAsync(held.TenantId, db => db.BlobDeletions.CountAsync()));
    }

    [Fact]
    public async Task RunRetention_InOneTenant_NeverReachesAnothersData()
    {
        var acme = await _support.ParticipantWithDataAsync(_host.Acme);
        await _support.AgeAsync(acme, days: 400);
        var demo = await _support.Sessions.Policy.OwnerAsync(_host.Demo);

        var dry = await _support.Retention.RunRetentionAsync(new RunRetentionRequest { DryRun = true }, demo);
        await _support.Retention.RunRetentionAsync(new RunRetentionRequest(), demo);

        Assert.All(dry.Counts, c => Assert.Equal(0, c.Count));
        Assert.Equal(Remaining.Full, await _support.RemainingAsync(acme));
        // Acme's own run takes it; nothing else of Acme's is old.
        var run = await _support.Retention.RunRetentionAsync(new RunRetentionRequest(), acme.Caller);
        Assert.Equal(2, run.Counts.Single(c => c.Records == "feedback_items").Count);
    }
}

public sealed class SqliteRetentionApiTests(SqliteRetentionHostFixture host) : RetentionApiTests<SqliteRetentionHostFixture>(host);

public sealed class PostgresRetentionApiTests(PostgresRetentionHostFixture host) : RetentionApiTests<PostgresRetentionHostFixture>(host);
