using System.Data.Common;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Imports;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Features.Imports.Framework;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Imports;

/// <summary>
/// The roster importer on the real host, per provider: a seed file as people write them (BOM,
/// CRLF, quotes, header aliases), defaults from the options, bad rows rejected with reasons,
/// re-import unchanged, updates that keep what a row leaves empty and follow the lifecycle, and
/// cohorts of other tenants that stay out of reach.
/// </summary>
public abstract class RosterImportTests<TFixture> : IClassFixture<TFixture>
    where TFixture : ImportsHostFixture
{
    private readonly TFixture _host;
    private readonly ImportsTestSupport _support;

    protected RosterImportTests(TFixture host)
    {
        _host = host;
        _support = new ImportsTestSupport(host);
    }

    private CohortsService.CohortsServiceClient Cohorts => new(_host.CreateChannel());

    private async Task<(Metadata Caller, string Slug)> CohortAsync(TenantUnderTest tenant)
    {
        var caller = await _support.OwnerAsync(tenant);
        var slug = "r-" + Guid.NewGuid().ToString("N")[..10];
        await Cohorts.CreateCohortAsync(new CreateCohortRequest { Cohort = new Cohort { Slug = slug, Title = "Fall 2025", DefaultChannel = "email", DefaultLocale = "en-GB" } }, caller);
        return (caller, slug);
    }

    private async Task<Import> ImportAsync(Metadata caller, string csv, Dictionary<string, string> options, bool dryRun = true, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        var source = bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes;
        var request = new CreateImportRequest { Kind = "roster", SourceFileName = "pilot_cohort_seed.csv", Source = ByteString.CopyFrom(source), DryRun = dryRun };
        request.Options.Add(options);
        return (await _support.Imports.CreateImportAsync(request, caller)).Import;
    }

    private async Task<List<Participant>> RosterAsync(Metadata caller, string slug) =>
        [.. (await Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug, PageSize = 100 }, caller)).Participants];

    [Fact]
    public async Task SeedFile_ImportsValidRows_WithDefaults_RejectsBadOnes_AndTheSameFileAgainIsAllUnchanged()
    {
        var (caller, slug) = await CohortAsync(_host.Acme);
        var csv = string.Join("\r\n",
            "Name,E-mail,Phone_Number,Language,Status,Source,Tags,Consented",
            "Lin,lin@example.com,138 0013 8000,,,referral,wechat|VIP,yes",
            "\"Wang, Jun\",jun@example.com,,,scheduled,,,0",
            "Ana,,+44 20 7946 0958,en-GB,,,,",
            "Bad,not-an-email,,,,,,",
            "Pho,pho@example.com,12,,,,,",
            "Loc,loc@example.com,,xx_yy_zz,,,,",
            "Sta,sta@example.com,,,paused,,,",
            "Dup,LIN@example.com,,,,,,",
            "Few,few@example.com",
            "\"Open,quote@example.com,,,,,,") + "\r\n";
        var options = new Dictionary<string, string> { ["cohort"] = slug, ["channel"] = "wechat", ["locale"] = "zh-CN" };

        var plan = await ImportAsync(caller, csv, options, bom: true);

        Assert.Equal((ImportState.Planned, 3L, 0L, 0L, 7L), (plan.State, plan.CreatedCount, plan.UpdatedCount, plan.UnchangedCount, plan.RejectedCount));
        var rejected = (await _support.RowsAsync(caller, plan.ImportId, RowOutcome.Rejected)).ToDictionary(r => r.RowNumber);
        Assert.Equal(("email", "phone", "locale", "status"), (rejected[4].Field, rejected[5].Field, rejected[6].Field, rejected[7].Field));
        Assert.Contains("duplicate of row 1", rejected[8].Reason);
        Assert.Equal([9L, 10L], rejected.Keys.Where(k => k >= 9));
        Assert.DoesNotContain("not-an-email", rejected[4].Reason);
        Assert.Empty(await RosterAsync(caller, slug));

        var committed = (await _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = plan.ImportId, PlanHash = plan.PlanHash }, caller)).Import;

        Assert.Equal(ImportState.Committed, committed.State);
        var roster = (await RosterAsync(caller, slug)).ToDictionary(p => p.Alias);
        Assert.Equal(["Ana", "Lin", "Wang, Jun"], roster.Keys.Order());
        var lin = roster["Lin"];
        Assert.Equal(("+8613800138000", "zh-CN", "wechat", "referral", ParticipantStatus.Invited, true), (lin.Phone, lin.Locale, lin.Channel, lin.Source, lin.Status, lin.Consent.Given));
        Assert.Equal(["wechat", "vip"], lin.Tags);
        Assert.Equal(("import", ParticipantStatus.Scheduled, false), (roster["Wang, Jun"].Source, roster["Wang, Jun"].Status, roster["Wang, Jun"].Consent.Given));
        Assert.Equal(("+442079460958", "en-GB", "", null), (roster["Ana"].Phone, roster["Ana"].Locale, roster["Ana"].Email, roster["Ana"].Consent));
        var receipts = await ReceiptActionsAsync("acme", roster.Values.Select(p => "participants/" + p.ParticipantId));
        Assert.Equal(3, receipts.Count(a => a == "/pilotdeck.cohorts.v1.CohortsService/CreateParticipant"));

        var again = await ImportAsync(caller, csv, options, dryRun: false, bom: true);

        Assert.Equal((ImportState.Committed, 0L, 0L, 3L, 7L), (again.State, again.CreatedCount, again.UpdatedCount, again.UnchangedCount, again.RejectedCount));
        Assert.Equal(receipts.Count, (await ReceiptActionsAsync("acme", roster.Values.Select(p => "participants/" + p.ParticipantId))).Count);
    }

    [Fact]
    public async Task ARowWithSeveralBadCells_IsRejectedWithEveryProblem()
    {
        var (caller, slug) = await CohortAsync(_host.Acme);
        var csv = "alias,email,phone,status,consent\nMany,many@,12,paused,maybe\nFine,fine@example.com,,,yes\n";

        var plan = await ImportAsync(caller, csv, new Dictionary<string, string> { ["cohort"] = slug });

        Assert.Equal((1L, 1L), (plan.CreatedCount, plan.RejectedCount));
        var rejected = Assert.Single(await _support.RowsAsync(caller, plan.ImportId, RowOutcome.Rejected));
        Assert.Equal(["consent", "email", "phone", "status"], rejected.Field.Split(',').Order());
        foreach (var problem in new[] { "consent: is not a consent value", "email: is not a valid email", "phone: is not a valid phone", "status: is not a status" })
        {
            Assert.Contains(problem, rejected.Reason);
        }
    }

    [Fact]
    public async Task ManyBatches_PlanInFileOrder_WithCohortsFirstNamedLater_AndDuplicatesAcrossBatches()
    {
        // Batches of 50 here (ImportsHostFixture): a batch is parsed while the one before it is
        // planned, so what one batch finds (a cohort, a key) must still reach the next in order.
        var (caller, first) = await CohortAsync(_host.Acme);
        var (_, later) = await CohortAsync(_host.Acme);
        string Row(int n) => n switch
        {
            100 => $"P{n},p{n}@example.com,no-such-cohort",
            120 => $"P{n},p10@example.com,{first}",
            _ => $"P{n},p{n}@example.com,{(n <= 60 ? "" : later)}",
        };
        var csv = string.Join("\n", ["alias,email,cohort", .. Enumerable.Range(1, 130).Select(Row)]) + "\n";

        var plan = await ImportAsync(caller, csv, new Dictionary<string, string> { ["cohort"] = first });

        Assert.Equal((ImportState.Planned, 128L, 2L), (plan.State, plan.CreatedCount, plan.RejectedCount));
        var rows = await _support.RowsAsync(caller, plan.ImportId);
        Assert.Equal(Enumerable.Range(1, 130).Select(n => (long)n), rows.Select(r => r.RowNumber));
        var rejected = rows.Where(r => r.Outcome == RowOutcome.Rejected).ToDictionary(r => r.RowNumber);
        Assert.Equal([100L, 120L], rejected.Keys);
        Assert.Equal("cohort", rejected[100].Field);
        Assert.Contains("duplicate of row 10", rejected[120].Reason);

        var committed = (await _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = plan.ImportId, PlanHash = plan.PlanHash }, caller)).Import;

        Assert.Equal((ImportState.Committed, 128L), (committed.State, committed.CreatedCount));
        // Listed in creation order, which is the file's: ids taken in row order (OrderedIds).
        async Task<IEnumerable<string>> AliasesAsync(string cohort) =>
            (await Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = cohort, PageSize = 100 }, caller)).Participants.Select(p => p.Alias);
        Assert.Equal(Enumerable.Range(1, 60).Select(n => $"P{n}"), await AliasesAsync(first));
        Assert.Equal(Enumerable.Range(61, 70).Where(n => n is not (100 or 120)).Select(n => $"P{n}"), await AliasesAsync(later));

        // The file again with two aliases changed, in different batches and cohorts: a dry-run looks
        // each batch up on one of two connections of its own (LookupLanes); each must meet its own rows.
        var again = await ImportAsync(caller, csv.Replace("P55,", "Q55,").Replace("P125,", "Q125,"), new Dictionary<string, string> { ["cohort"] = first });

        Assert.Equal((ImportState.Planned, 0L, 2L, 126L, 2L), (again.State, again.CreatedCount, again.UpdatedCount, again.UnchangedCount, again.RejectedCount));
        var updated = (await _support.RowsAsync(caller, again.ImportId)).Where(r => r.Outcome == RowOutcome.Updated).Select(r => r.RowNumber);
        Assert.Equal([55L, 125L], updated);
    }

    [Fact]
    public async Task ARowAppliedBefore_IsRecognised_UntilTheParticipantChangesAnotherWay()
    {
        var (caller, slug) = await CohortAsync(_host.Acme);
        var csv = "email,alias,phone,status\n" +
                  "one@example.com,One,+8613800138000,scheduled\n" +
                  "two@example.com,Two,,\n" +
                  "one@example.com,Again,,\n";
        async Task<Import> CommitAsync(Import plan) =>
            (await _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = plan.ImportId, PlanHash = plan.PlanHash }, caller)).Import;
        async Task<Dictionary<string, string?>> DigestsAsync()
        {
            await using var scope = _host.Services.CreateTenantScope(_host.Acme.TenantId);
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            return await db.Participants.Where(p => p.Email.EndsWith("@example.com") && db.Cohorts.Any(c => c.Id == p.CohortId && c.Slug == slug))
                .ToDictionaryAsync(p => p.Email, p => p.ImportDigest);
        }

        await CommitAsync(await ImportAsync(caller, csv, new() { ["cohort"] = slug }));
        var stored = await DigestsAsync();
        Assert.All(stored.Values, Assert.NotNull);

        // The same file again: recognised, unchanged, the duplicate still rejected; and the commit,
        // which checks every row in full, reaches the same plan (the hashes match).
        var again = await ImportAsync(caller, csv, new() { ["cohort"] = slug });
        Assert.Equal((0L, 0L, 2L, 1L), (again.CreatedCount, again.UpdatedCount, again.UnchangedCount, again.RejectedCount));
        Assert.Equal(ImportState.Committed, (await CommitAsync(again)).State);
        Assert.Equal(stored, await DigestsAsync());

        // Changed through the API, the participant no longer matches what the import stored: the row
        // is compared in full again, and restores the alias.
        var one = (await RosterAsync(caller, slug)).Single(p => p.Email == "one@example.com");
        await Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest { Participant = new Participant { ParticipantId = one.ParticipantId, Alias = "Renamed" }, UpdateMask = new() { Paths = { "alias" } } }, caller);
        Assert.Null((await DigestsAsync())["one@example.com"]);
        var afterEdit = await ImportAsync(caller, csv, new() { ["cohort"] = slug });
        Assert.Equal((0L, 1L, 1L, 1L), (afterEdit.CreatedCount, afterEdit.UpdatedCount, afterEdit.UnchangedCount, afterEdit.RejectedCount));
        await CommitAsync(afterEdit);
        Assert.Equal("One", (await RosterAsync(caller, slug)).Single(p => p.Email == "one@example.com").Alias);

        // The same file under other options is not taken as applied before, and changes nothing either.
        var otherOptions = await ImportAsync(caller, csv, new() { ["cohort"] = slug, ["channel"] = "sms" });
        Assert.Equal((0L, 0L, 2L, 1L), (otherOptions.CreatedCount, otherOptions.UpdatedCount, otherOptions.UnchangedCount, otherOptions.RejectedCount));
    }

    [Fact]
    public async Task ExistingParticipants_TakeTheRowsValues_KeepWhatARowLeavesEmpty_AndFollowTheLifecycle()
    {
        var (caller, slug) = await CohortAsync(_host.Acme);
        async Task<Participant> Add(string email, ParticipantStatus status)
        {
            var p = (await Cohorts.CreateParticipantAsync(new CreateParticipantRequest { Cohort = slug, Participant = new Participant { Email = email, Alias = email[..3], Phone = "+8613800138000", Tags = { "early" } } }, caller)).Participant;
            foreach (var next in new[] { ParticipantStatus.Scheduled, ParticipantStatus.Active }.TakeWhile(s => s <= status))
            {
                p = (await Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest { Participant = new Participant { ParticipantId = p.ParticipantId, Status = next }, UpdateMask = new() { Paths = { "status" } } }, caller)).Participant;
            }

            return p;
        }

        var moves = await Add("mov@example.com", ParticipantStatus.Invited);
        var stale = await Add("sta@example.com", ParticipantStatus.Active);
        var skips = await Add("ski@example.com", ParticipantStatus.Invited);
        var csv = "email,status,tags,phone\n" +
                  "mov@example.com,scheduled,vip,\n" +
                  "sta@example.com,invited,,\n" +
                  "ski@example.com,active,,\n";

        var plan = await ImportAsync(caller, csv, new() { ["cohort"] = slug });

        var rows = (await _support.RowsAsync(caller, plan.ImportId)).ToDictionary(r => r.RowNumber);
        Assert.Equal((RowOutcome.Updated, RowOutcome.Unchanged, RowOutcome.Rejected), (rows[1].Outcome, rows[2].Outcome, rows[3].Outcome));
        Assert.Equal("status", rows[3].Field);
        Assert.Contains("can move only to scheduled, dropped", rows[3].Reason);

        await _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = plan.ImportId, PlanHash = plan.PlanHash }, caller);

        var moved = await Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = moves.ParticipantId }, caller);
        Assert.Equal((ParticipantStatus.Scheduled, "+8613800138000", "mov"), (moved.Participant.Status, moved.Participant.Phone, moved.Participant.Alias));
        Assert.Equal(["vip"], moved.Participant.Tags);
        Assert.Equal(ParticipantStatus.Scheduled, moved.StatusHistory.Last().ToStatus);
        Assert.Equal(ParticipantStatus.Active, (await Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = stale.ParticipantId }, caller)).Participant.Status);
        Assert.Equal(ParticipantStatus.Invited, (await Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = skips.ParticipantId }, caller)).Participant.Status);
        Assert.Contains("/pilotdeck.cohorts.v1.CohortsService/UpdateParticipant", await ReceiptActionsAsync("acme", ["participants/" + moves.ParticipantId]));
    }

    [Fact]
    public async Task FirstImportIntoAnEmptyCohort_LooksNothingUp_YetTheCommitSeesAParticipantAddedSince()
    {
        // A pass that finds the cohort empty skips its lookups; the commit's own pass must ask again.
        var (caller, slug) = await CohortAsync(_host.Acme);
        var csv = "alias,email\nLin,lin@example.com\nJun,jun@example.com\n";
        var plan = await ImportAsync(caller, csv, new() { ["cohort"] = slug });
        Assert.Equal((ImportState.Planned, 2L), (plan.State, plan.CreatedCount));

        var added = (await Cohorts.CreateParticipantAsync(new CreateParticipantRequest { Cohort = slug, Participant = new Participant { Email = "jun@example.com", Alias = "Jun W." } }, caller)).Participant;
        var ex = await Assert.ThrowsAsync<RpcException>(() => _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = plan.ImportId, PlanHash = plan.PlanHash }, caller).ResponseAsync);

        Assert.Equal((StatusCode.FailedPrecondition, "IMPORT_PLAN_CHANGED"), (ex.StatusCode, ApiErrors.ReasonOf(ex)));
        Assert.Equal([added.ParticipantId], (await RosterAsync(caller, slug)).Select(p => p.ParticipantId));
        var replanned = (await _support.Imports.PlanImportAsync(new PlanImportRequest { ImportId = plan.ImportId }, caller)).Import;
        Assert.Equal((1L, 1L), (replanned.CreatedCount, replanned.UpdatedCount));
        await _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = plan.ImportId, PlanHash = replanned.PlanHash }, caller);
        Assert.Equal(["Jun", "Lin"], (await RosterAsync(caller, slug)).Select(p => p.Alias).Order());
    }

    [Fact]
    public async Task Cohorts_OfAnotherTenantOrUnknown_AreNotFound_AndARowNamingOneIsRejected()
    {
        var (_, demoSlug) = await CohortAsync(_host.Demo);
        var (caller, slug) = await CohortAsync(_host.Acme);

        var other = await Assert.ThrowsAsync<RpcException>(() => ImportAsync(caller, "email\nx@example.com\n", new() { ["cohort"] = demoSlug }));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => ImportAsync(caller, "email\nx@example.com\n", new() { ["cohort"] = "no-such-cohort" }));

        Assert.Equal((StatusCode.NotFound, "COHORT_NOT_FOUND"), (other.StatusCode, ApiErrors.ReasonOf(other)));
        Assert.Equal((unknown.StatusCode, ApiErrors.ReasonOf(unknown)), (other.StatusCode, ApiErrors.ReasonOf(other)));

        var plan = await ImportAsync(caller, $"email,cohort\na@example.com,{slug}\nb@example.com,{demoSlug}\nc@example.com,\n", []);

        var rows = (await _support.RowsAsync(caller, plan.ImportId)).ToDictionary(r => r.RowNumber);
        Assert.Equal((RowOutcome.Created, RowOutcome.Rejected, RowOutcome.Rejected), (rows[1].Outcome, rows[2].Outcome, rows[3].Outcome));
        Assert.Contains("names no cohort of this tenant", rows[2].Reason);
        Assert.Contains("is required", rows[3].Reason);
    }

    [Fact]
    public async Task Options_AreChecked_BeforeAnythingIsStored()
    {
        var (caller, slug) = await CohortAsync(_host.Acme);

        var ex = await Assert.ThrowsAsync<RpcException>(() => ImportAsync(caller, "email\nx@example.com\n", new() { ["cohort"] = slug, ["status"] = "paused", ["locale"] = "not a locale", ["colour"] = "red" }));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(["options[colour]", "options[locale]", "options[status]"], ex.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field).Order());
    }

    [Theory]
    [InlineData("alias;email;phone\r\nAnna;anna@example.com;+4915112345678\r\n", "looks separated by semicolons")]
    [InlineData("first,last\nAnna,Berg\n", "names none of the importer's columns (email, alias, phone")]
    public async Task AHeaderNamingNoRosterColumn_IsRefusedAsAWhole_NotRowByRow(string csv, string says)
    {
        var (caller, slug) = await CohortAsync(_host.Acme);

        var ex = await Assert.ThrowsAsync<RpcException>(() => ImportAsync(caller, csv, new() { ["cohort"] = slug }));

        Assert.Equal((StatusCode.InvalidArgument, "IMPORT_HEADER_INVALID"), (ex.StatusCode, ApiErrors.ReasonOf(ex)));
        Assert.Contains(says, ex.Status.Detail);
    }

    [Fact]
    public async Task PlanRowWriter_StoresEachBatchAndTheFurthestProgress_AndAFailedWriteFailsTheWriter()
    {
        var (caller, slug) = await CohortAsync(_host.Acme);
        var plan = await ImportAsync(caller, "email\nw@example.com\n", new() { ["cohort"] = slug });
        var scopes = _host.Services.GetRequiredService<IServiceScopeFactory>();
        ImportRowRecord Row(string importId, long number) => new() { ImportId = importId, RowNumber = number, Outcome = "created", Key = $"row{number}@example.com" };

        await using (var writer = PlanRowWriter.Start(scopes, _host.Acme.TenantId, plan.ImportId, CancellationToken.None))
        {
            // Handed over out of order, as two writers (PostgreSQL) may finish them: the progress
            // stored is the furthest, never the last written.
            await writer.WriteAsync([Row(plan.ImportId, 1003)], new ImportProgress("planning", 1003, 1500, 43), CancellationToken.None);
            await writer.WriteAsync([Row(plan.ImportId, 1001), Row(plan.ImportId, 1002)], new ImportProgress("planning", 1002, 1500, 42), CancellationToken.None);
            await writer.CompleteAsync();
        }

        await using (var scope = _host.Services.CreateTenantScope(_host.Acme.TenantId))
        {
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            var records = await db.ImportRows.Where(r => r.ImportId == plan.ImportId).OrderBy(r => r.RowNumber).ToListAsync();
            // Rows 1001 and 1002, created one after the other, are stored as one run.
            Assert.Equal([(1L, 0L), (1001L, 1002L), (1003L, 0L)], records.Select(r => (r.RowNumber, r.LastRowNumber)));
            Assert.Equal([1, 1001, 1002, 1003], records.SelectMany(r => r.Expand()).Select(r => r.RowNumber));
            Assert.Equal("row1002@example.com", records[1].Expand().Last().Key);
            var stored = await db.Imports.SingleAsync(i => i.Id == plan.ImportId);
            Assert.Equal((1003L, 1500L, 43.0), (stored.RowsDone, stored.RowsTotal, stored.RowsPerSecond));
        }

        // Rows of an import that does not exist break the foreign key: the writer stops, and the
        // pass hears of it on its next write or when it completes.
        var failing = PlanRowWriter.Start(scopes, _host.Acme.TenantId, "imp_missing", CancellationToken.None);
        await using (failing)
        {
            await Assert.ThrowsAnyAsync<DbException>(async () =>
            {
                for (var batch = 0; batch < 10; batch++)
                {
                    await failing.WriteAsync([Row("imp_missing", batch + 1)], new ImportProgress("planning", batch + 1, 10, 1), CancellationToken.None);
                }

                await failing.CompleteAsync();
            });
        }

        await using (var scope = _host.Services.CreateTenantScope(_host.Acme.TenantId))
        {
            Assert.False(await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().ImportRows.AnyAsync(r => r.ImportId == "imp_missing"));
        }
    }

    private async Task<List<string>> ReceiptActionsAsync(string tenantId, IEnumerable<string> subjects)
    {
        var names = subjects.ToList();
        await using var scope = _host.Services.CreateTenantScope(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        return await db.Receipts.Where(r => names.Contains(r.Subject)).Select(r => r.Action).ToListAsync();
    }
}

public sealed class SqliteRosterImportTests(SqliteImportsHostFixture host) : RosterImportTests<SqliteImportsHostFixture>(host);

public sealed class PostgresRosterImportTests(PostgresImportsHostFixture host) : RosterImportTests<PostgresImportsHostFixture>(host);
