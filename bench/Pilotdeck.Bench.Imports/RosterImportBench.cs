using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Bench.Common;
using Pilotdeck.Cli.Imports;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Features.Cohorts;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Bench.Imports;

/// <summary>One timed phase: wall time, and what the whole bench process (host included) spent in it.</summary>
internal sealed record Phase(string Name, int Round, long Rows, TimeSpan Elapsed, ProcessCost Cost, long EfCommands, long PeakWorkingSet, long PeakManagedHeap)
{
    public double RowsPerSecond => Rows / Elapsed.TotalSeconds;
}

/// <summary>
/// The roster import on one provider, through the real host's gRPC API the way
/// `pilotdeck cohort import` runs it (the CLI's <see cref="ImportRunner"/>: streamed upload, then
/// WatchImport until the dry-run's job has planned, then CommitImport and WatchImport until the
/// commit's job is done), twice over the same file; that once per round, each round into a cohort
/// of its own (so later rounds run against a database already holding the earlier rounds' rows).
/// Every phase is checked against the file before its time counts: an import that did something
/// else throws <see cref="CheckFailedException"/>.
/// With an <see cref="AllocationSampler"/>, each phase also prints the types that took most of its allocations.
/// </summary>
internal sealed class RosterImportBench(PilotdeckTestHost host, PilotdeckClient client, string csvPath, int rows, int rounds, int warmUpRows, AllocationSampler? allocations) : IDisposable
{
    public const string SlugPrefix = "bench-roster";
    public const string WarmUpSlug = "bench-warm-up";

    // Warm-up passes end once one compiles fewer methods than this; the measured re-import phases,
    // which run code already tiered up, compile 300-700 (the host's other work: jobs, polling, RPCs).
    private const int SettledJitMethods = 1000;
    private const int MaxWarmUpPasses = 6;

    private readonly EfCommandCounter _commands = new();
    private readonly ImportRunner _runner = new(client, TextWriter.Null, TextWriter.Null, terminal: false, CancellationToken.None);

    private static Dictionary<string, string> OptionsFor(string slug) => new()
    {
        ["cohort"] = slug, ["channel"] = RosterCsv.ChannelOption, ["locale"] = RosterCsv.LocaleOption,
    };

    public List<Phase> Phases { get; } = [];

    public async Task RunAsync()
    {
        if (warmUpRows > 0)
        {
            await WarmUpAsync();
        }

        for (var round = 1; round <= rounds; round++)
        {
            var slug = $"{SlugPrefix}-{round}";
            Console.WriteLine($"round {round} of {rounds}: cohort {slug}");
            await client.Cohorts.CreateCohortAsync(new CreateCohortRequest { Cohort = new Cohort { Slug = slug, Title = "Bench roster", DefaultChannel = "email", DefaultLocale = "en-GB" } });
            var options = OptionsFor(slug);
            var receiptsBefore = await CountCreateReceiptsAsync();

            var planned = await DryRunAsync(round, options, "upload", "dry-run");
            Expect(planned, created: rows, unchanged: 0);
            var committed = await MeasureAsync("commit", round, () => _runner.CommitAsync(planned.ImportId, planned.PlanHash, approval: null));
            Expect(committed, created: rows, unchanged: 0, ImportState.Committed);
            await CheckRosterAsync(slug, receiptsBefore);
            await WaitForReceiptLogAsync();

            var again = await DryRunAsync(round, options, "upload again", "dry-run again (all unchanged)");
            Expect(again, created: 0, unchanged: rows);
            var recommitted = await MeasureAsync("re-commit (all unchanged)", round, () => _runner.CommitAsync(again.ImportId, again.PlanHash, approval: null));
            Expect(recommitted, created: 0, unchanged: rows, ImportState.Committed);
            await CheckRosterAsync(slug, receiptsBefore);
        }
    }

    public void Dispose() => _commands.Dispose();

    /// <summary>
    /// The same import, unmeasured, of the file's first rows into a fresh cohort, twice (created,
    /// then unchanged), repeated until a pass compiles fewer than <see cref="SettledJitMethods"/>
    /// methods (at most <see cref="MaxWarmUpPasses"/> passes): the host's import code is then
    /// compiled and tiered up as on a server that has imported before. One pass was not enough: a
    /// method called once per 1,000-row batch is called 20 times in a 20,000-row commit, below the
    /// 30 calls that promote it to optimized code, so the measured commit spent a third of its CPU
    /// in the JIT (counted per phase since: `JitInfo`).
    /// </summary>
    private async Task WarmUpAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pilotdeck-bench-warm-up-{Environment.ProcessId}.csv");
        RosterCsv.Write(path, warmUpRows);
        var clock = Stopwatch.StartNew();
        host.StartEveryMinuteJob();
        try
        {
            for (var pass = 1; pass <= MaxWarmUpPasses; pass++)
            {
                var before = ProcessCost.Now();
                var slug = $"{WarmUpSlug}-{pass}";
                await client.Cohorts.CreateCohortAsync(new CreateCohortRequest { Cohort = new Cohort { Slug = slug, Title = "Bench warm-up", DefaultChannel = "email", DefaultLocale = "en-GB" } });
                var options = OptionsFor(slug);
                for (var import = 0; import < 2; import++)
                {
                    var planned = await _runner.WatchAsync(await _runner.UploadAsync("roster", path, options));
                    var committed = await _runner.CommitAsync(planned.ImportId, planned.PlanHash, approval: null);
                    if (committed.State != ImportState.Committed)
                    {
                        throw new CheckFailedException($"the warm-up import {committed.ImportId} ended {committed.State}: {committed.Failure}");
                    }

                    // On SQLite the log's sequencing transaction would otherwise hold the write lock past
                    // the next upload's busy timeout on a loaded machine.
                    await WaitForReceiptLogAsync();
                }

                var jit = ProcessCost.Now() - before;
                Console.WriteLine($"warm-up pass {pass}: JIT {jit.JitMethods:N0} methods in {jit.JitTime.TotalSeconds:F1} s");
                if (jit.JitMethods < SettledJitMethods)
                {
                    break;
                }
            }
        }
        finally
        {
            File.Delete(path);
        }

        var jobsSettled = await host.SettleBackgroundJobsAsync();
        Console.WriteLine($"warm-up: {warmUpRows:N0} rows imported twice per pass into other cohorts in {clock.Elapsed.TotalSeconds:F1} s (not measured); background jobs {(jobsSettled ? "settled" : "still running")}");
    }

    private async Task<Import> DryRunAsync(int round, Dictionary<string, string> options, string upload, string dryRun)
    {
        var uploaded = await MeasureAsync(upload, round, () => _runner.UploadAsync("roster", csvPath, options));
        if (uploaded.State != ImportState.Planning)
        {
            throw new CheckFailedException($"the upload came back {uploaded.State}, expected planning by a job");
        }

        return await MeasureAsync(dryRun, round, () => _runner.WatchAsync(uploaded));
    }

    private async Task<T> MeasureAsync<T>(string name, int round, Func<Task<T>> body)
    {
        // Each phase starts from a collected heap, so its peak is its own.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var commands = _commands.Count;
        var before = ProcessCost.Now();
        using var memory = PeakMemory.Start();
        allocations?.Start();
        var clock = Stopwatch.StartNew();
        var result = await body();
        clock.Stop();
        var byType = allocations?.Stop() ?? [];
        var (workingSet, heap) = memory.Stop();
        var phase = new Phase(name, round, rows, clock.Elapsed, ProcessCost.Now() - before, _commands.Count - commands, workingSet, heap);
        Phases.Add(phase);
        Console.WriteLine(Report.Line(phase));
        var sampled = Math.Max(1, byType.Sum(t => t.Bytes));
        foreach (var (type, _, bytes) in byType.Take(12))
        {
            Console.WriteLine($"    {100.0 * bytes / sampled,5:F1}%  {(double)bytes / rows,8:N0} B/row  {type}");
        }

        return result;
    }

    private void Expect(Import import, long created, long unchanged, ImportState state = ImportState.Planned)
    {
        var counts = (import.State, import.CreatedCount, import.UpdatedCount, import.UnchangedCount, import.RejectedCount);
        var expected = (state, created, 0L, unchanged, 0L);
        if (counts != expected)
        {
            throw new CheckFailedException($"import {import.ImportId} is (state, created, updated, unchanged, rejected) = {counts}, expected {expected}{(import.Failure.Length > 0 ? ": " + import.Failure : "")}");
        }

        Console.WriteLine($"  check: import {import.ImportId} {import.State.ToString().ToLowerInvariant()}, {import.CreatedCount} created, {import.UnchangedCount} unchanged, 0 updated, 0 rejected");
    }

    private async Task<long> CountCreateReceiptsAsync()
    {
        await using var scope = host.Services.CreateTenantScope(host.TenantId);
        return await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Receipts.LongCountAsync(r => r.Action == ParticipantChanges.CreateAction);
    }

    /// <summary>
    /// The round's cohort holds exactly the file's participants, the tenant as many more
    /// CreateParticipant receipts than before the round and no UpdateParticipant receipt, and
    /// sampled rows hold the file's values.
    /// </summary>
    private async Task CheckRosterAsync(string slug, long receiptsBefore)
    {
        await using var scope = host.Services.CreateTenantScope(host.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var cohortId = await db.Cohorts.Where(c => c.Slug == slug).Select(c => c.Id).SingleAsync();
        var participants = await db.Participants.CountAsync(p => p.CohortId == cohortId);
        var created = await db.Receipts.LongCountAsync(r => r.Action == ParticipantChanges.CreateAction) - receiptsBefore;
        var updated = await db.Receipts.CountAsync(r => r.Action == ParticipantChanges.UpdateAction);
        if ((participants, created, updated) != (rows, rows, 0))
        {
            throw new CheckFailedException($"the database holds {participants} participants, {created} CreateParticipant and {updated} UpdateParticipant receipts; expected {rows}, {rows} and 0");
        }

        foreach (var n in new[] { 1, 2, 3, 4, 7, 10, rows / 2, rows - 1, rows }.Where(n => n >= 1 && n <= rows).Distinct())
        {
            var line = RosterCsv.Row(n);
            var p = await db.Participants.AsNoTracking().SingleAsync(p => p.CohortId == cohortId && p.Email == line.Email);
            var stored = (p.Alias, p.Phone, p.Locale, p.Status, p.Source, p.Channel, p.Tags, p.ConsentGiven);
            var expected = (line.Alias, line.Phone, line.ExpectedLocale, line.ExpectedStatus, line.ExpectedSource, line.ExpectedChannel,
                line.Tags.Length == 0 ? "" : "|" + line.Tags + "|", line.ExpectedConsent);
            if (stored != expected)
            {
                throw new CheckFailedException($"row {n} is stored as {stored}, expected {expected}");
            }
        }

        Console.WriteLine($"  check: the cohort holds {participants:N0} participants with {created:N0} CreateParticipant receipts and no UpdateParticipant receipt; sampled rows match the file");
    }

    /// <summary>
    /// Waits until a signed checkpoint covers every receipt (printing how long that took after the
    /// commit; no goal), so the next import does not share the CPU with the log catching up.
    /// </summary>
    private async Task WaitForReceiptLogAsync()
    {
        var clock = Stopwatch.StartNew();
        await using var scope = host.Services.CreateTenantScope(host.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var total = await db.Receipts.CountAsync();
        while ((await db.LogCheckpoints.AsNoTracking().MaxAsync(c => (long?)c.TreeSize) ?? 0) < total)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(15))
            {
                throw new CheckFailedException($"the receipt log did not cover the commit's {total:N0} receipts within 15 minutes");
            }

            await Task.Delay(100);
        }

        Console.WriteLine($"  receipt log: a signed checkpoint covers all {total:N0} receipts {clock.Elapsed.TotalSeconds:F1} s after the commit");
    }
}
