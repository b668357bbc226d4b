using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Bench.Common;
using Pilotdeck.Data;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Receipts;
using Pilotdeck.TestSupport;

// Receipt append throughput (issue 11's benchmark; results in docs/performance.md). Per provider:
//   baseline: W writers insert N receipt rows, one per transaction, on a host whose log service is idle
//             (checkpoint delay one hour): the same inserts without the log;
//   log:      W writers append N receipts through ChangeReceipts, one per transaction, while the log
//             service integrates them into signed checkpoints every second; timed until a signed
//             checkpoint covers the last one.
// Goals: log >= 5,000 receipts/s; log / baseline >= 0.7.
var options = args.ToDictionary(a => a.Split('=')[0], a => a.Contains('=') ? a[(a.IndexOf('=') + 1)..] : "true");
var count = int.Parse(options.GetValueOrDefault("--receipts", "20000"), CultureInfo.InvariantCulture);
var writers = int.Parse(options.GetValueOrDefault("--writers", "8"), CultureInfo.InvariantCulture);
// Receipts per transaction: 1 is one change per commit (bound by the disk's commit rate on SQLite);
// more shows what the log itself sustains when changes arrive in bulk (an import's rows).
var batch = int.Parse(options.GetValueOrDefault("--batch", "1"), CultureInfo.InvariantCulture);
var providers = options.GetValueOrDefault("--providers", "sqlite,postgres").Split(',');
var markdown = options.GetValueOrDefault("--markdown");

Console.WriteLine($"receipt append throughput: {count} receipts, {writers} writers, {batch} receipt(s) per transaction");
Console.WriteLine(Machine.Describe());
var rows = new List<string>();
var failed = false;
foreach (var provider in providers)
{
    var database = provider == "postgres" ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
    var baseline = await RunAsync(database, count, writers, batch, withLog: false);
    var logged = await RunAsync(database, count, writers, batch, withLog: true);
    var ratio = logged / baseline;
    var met = logged >= 5000 && ratio >= 0.7;
    failed |= !met;
    var row = $"| {provider} | {baseline:F0} | {logged:F0} | {ratio:F2} | {(met ? "met" : "not met")} |";
    rows.Add(row);
    Console.WriteLine($"{provider}: plain inserts {baseline:F0}/s, receipts into the signed log {logged:F0}/s, ratio {ratio:F2} (goals: >= 5000/s and >= 0.7: {(met ? "met" : "not met")})");
}

var table = new StringBuilder()
    .AppendLine("| provider | plain inserts/s | receipts into signed checkpoints/s | ratio | goals (>= 5,000/s, >= 0.7) |")
    .AppendLine("| --- | ---: | ---: | ---: | --- |");
rows.ForEach(r => table.AppendLine(r));
Console.WriteLine();
Console.Write(table);
if (markdown is not null)
{
    await File.WriteAllTextAsync(markdown, table.ToString());
}

return failed ? 1 : 0;

static async Task<double> RunAsync(DatabaseProvider provider, int count, int writers, int batch, bool withLog)
{
    // Idle log service for the baseline: a delay longer than the run.
    var settings = withLog ? [] : new[] { "Pilotdeck:Receipts:CheckpointDelay=01:00:00" };
    await using var host = await PilotdeckTestHost.StartAsync(settings, provider: provider);
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
    {
        int first;
        while ((first = Interlocked.Add(ref next, batch) - batch + 1) < count)
        {
            await using var scope = host.Services.CreateTenantScope(host.TenantId);
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            var receipts = scope.ServiceProvider.GetRequiredService<ChangeReceipts>().ForJob("bench");
            await using var transaction = await db.Database.BeginTransactionAsync();
            foreach (var i in Enumerable.Range(first, Math.Min(batch, count - first)))
            {
                var subject = "bench/" + i.ToString(CultureInfo.InvariantCulture);
                if (withLog)
                {
                    await receipts.RecordAsync("bench.append", _ => subject, () => Task.FromResult(i), n => BitConverter.GetBytes(n), CancellationToken.None);
                }
                else
                {
                    db.Receipts.Add(new ReceiptRecord
                    {
                        Id = Guid.NewGuid().ToString("N"), Actor = "system:bench", Action = "bench.append", Subject = subject,
                        CreatedAt = DateTimeOffset.UtcNow, ContentSha256 = System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)),
                    });
                    await db.SaveChangesAsync();
                }
            }

            await transaction.CommitAsync();
        }
    })));

    if (withLog)
    {
        await using var scope = host.Services.CreateTenantScope(host.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var total = await db.Receipts.CountAsync();
        while (await db.LogCheckpoints.AsNoTracking().MaxAsync(c => (long?)c.TreeSize) < total)
        {
            await Task.Delay(20);
        }
    }

    return count / clock.Elapsed.TotalSeconds;
}
