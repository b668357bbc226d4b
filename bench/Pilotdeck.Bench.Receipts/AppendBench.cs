using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Bench.Common;
using Pilotdeck.Data;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Receipts;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Bench.Receipts;

/// <summary>How the writers put receipts into the database.</summary>
internal enum WriteMode
{
    /// <summary>One change per SaveChanges, through <see cref="ChangeReceipts.RecordAsync{T}(string, Func{T, string}, Func{Task{T}}, Func{T, byte[]}, CancellationToken)"/>: what an RPC does.</summary>
    Each,

    /// <summary>A transaction's receipts made with <see cref="ChangeReceipts.New"/> and written with <see cref="BulkInserts"/>: what an import's commit does.</summary>
    Bulk,
}

/// <summary>
/// One arm of the append benchmark on a fresh host: W writers append N receipts, <c>batch</c> per
/// transaction. With the log, the host's log service integrates them into signed checkpoints and
/// the clock stops when a checkpoint covers the last one; without it (the baseline) the log
/// service is idle (a period longer than the run) and the clock stops when the inserts commit.
/// </summary>
internal static class AppendBench
{
    public static async Task<double> RunAsync(DatabaseProvider provider, int count, int writers, int batch, WriteMode mode, bool withLog, int warmUp)
    {
        var settings = withLog ? [] : new[] { "Pilotdeck:Receipts:CheckpointDelay=01:00:00" };
        await using var host = await PilotdeckTestHost.StartAsync(settings, provider: provider);
        // The same work unmeasured first, on this host: the measured receipts then run compiled,
        // tiered-up code (writers and sequencer alike), as a host that has been up a while does.
        if (warmUp > 0)
        {
            host.StartEveryMinuteJob();
            await AppendAsync(host, count, warmUp, writers, batch, mode, withLog);
            if (withLog)
            {
                await WaitForLogAsync(host);
            }

            if (!await host.SettleBackgroundJobsAsync())
            {
                Console.WriteLine($"  warm-up: background jobs still running after {EveryMinuteJobWarmUp.SettleTimeout.TotalMinutes:F0} min; measuring anyway");
            }
        }

        var cost = ProcessCost.Now();
        var clock = Stopwatch.StartNew();
        await AppendAsync(host, 0, count, writers, batch, mode, withLog);
        var inserted = clock.Elapsed;
        if (withLog)
        {
            await WaitForLogAsync(host);
        }

        // Whether the writers or the log set the pace: a long tail after the inserts means the log lagged.
        // CPU of this process (host and writers; not PostgreSQL's) per receipt: steadier than rates on a shared machine.
        // The JIT's share says whether the warm-up was long enough.
        var spent = ProcessCost.Now() - cost;
        Console.WriteLine($"  {(withLog ? "with the log" : "baseline")}: inserts done in {inserted.TotalSeconds:F1} s, {(withLog ? $"all in a signed checkpoint after {clock.Elapsed.TotalSeconds:F1} s" : "log idle")}, " +
            $"{spent.Cpu.TotalMicroseconds / count:F0} µs CPU per receipt, JIT {spent.JitMethods:N0} methods in {spent.JitTime.TotalSeconds:F1} s");
        return count / clock.Elapsed.TotalSeconds;
    }

    // Receipts number first .. first + count - 1, in transactions of `batch`, by `writers` concurrent writers.
    private static Task AppendAsync(PilotdeckTestHost host, int first, int count, int writers, int batch, WriteMode mode, bool withLog)
    {
        var next = first - 1;
        var end = first + count;
        return Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            int from;
            while ((from = Interlocked.Add(ref next, batch) - batch + 1) < end)
            {
                await WriteAsync(host, Enumerable.Range(from, Math.Min(batch, end - from)), mode, withLog);
            }
        })));
    }

    // Until a signed checkpoint covers every receipt of the tenant.
    private static async Task WaitForLogAsync(PilotdeckTestHost host)
    {
        await using var scope = host.Services.CreateTenantScope(host.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var total = await db.Receipts.CountAsync();
        while ((await db.LogCheckpoints.AsNoTracking().MaxAsync(c => (long?)c.TreeSize) ?? 0) < total)
        {
            await Task.Delay(20);
        }
    }

    // A scope (and so a pooled context) per transaction, as a request or an import's commit has.
    private static async Task WriteAsync(PilotdeckTestHost host, IEnumerable<int> numbers, WriteMode mode, bool withLog)
    {
        await using var scope = host.Services.CreateTenantScope(host.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var receipts = scope.ServiceProvider.GetRequiredService<ChangeReceipts>().ForJob("bench");
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (mode == WriteMode.Bulk)
        {
            // The same rows in both arms; only the log service differs.
            await db.InsertInBulkAsync([.. numbers.Select(n => receipts.New("bench.append", SubjectOf(n), BitConverter.GetBytes(n)))], CancellationToken.None);
        }
        else
        {
            foreach (var n in numbers)
            {
                if (withLog)
                {
                    await receipts.RecordAsync("bench.append", _ => SubjectOf(n), () => Task.FromResult(n), BitConverter.GetBytes, CancellationToken.None);
                }
                else
                {
                    db.Receipts.Add(new ReceiptRecord
                    {
                        Id = Guid.NewGuid().ToString("N"), Actor = "system:bench", Action = "bench.append", Subject = SubjectOf(n),
                        CreatedAt = DateTimeOffset.UtcNow, ContentSha256 = SHA256.HashData(BitConverter.GetBytes(n)),
                    });
                    await db.SaveChangesAsync();
                }
            }
        }

        await transaction.CommitAsync();
    }

    private static string SubjectOf(int n) => "bench/" + n.ToString(CultureInfo.InvariantCulture);
}
