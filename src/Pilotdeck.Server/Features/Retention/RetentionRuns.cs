using Google.Protobuf.WellKnownTypes;
using Hangfire;
using Pilotdeck.Contracts.Retention.V1;
using Pilotdeck.Server.Platform.Jobs;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Retention;

/// <summary>
/// One retention run in the scope's tenant: every class's data older than its window goes (or, dry, is
/// counted). The changes and the run's receipt (subject <c>retention/runs/&lt;uuid&gt;</c>, content: the
/// response, counts and windows only) commit in one transaction; attachment files are deleted after.
/// The daily job fans out to one run per tenant; RunRetention runs the same code for the caller's tenant.
/// </summary>
public sealed class RetentionRuns(RetentionWindows windows, PersonalDataEraser eraser, BlobDeletions blobDeletions, ChangeReceipts receipts, TenantFanOut fanOut, TimeProvider time)
{
    public const string JobId = "personal-data-retention";
    public const string Action = "retention.run";

    [JobDisplayName("Personal data retention, every tenant")]
    public Task<IReadOnlyList<string>> RunEverywhereAsync(CancellationToken cancellationToken) =>
        fanOut.EnqueueForEachTenantAsync<RetentionRuns>(r => r.RunAsJobAsync(CancellationToken.None), cancellationToken);

    [JobDisplayName("Personal data retention")]
    public async Task<string> RunAsJobAsync(CancellationToken cancellationToken)
    {
        receipts.ForJob(JobId);
        var result = await RunAsync(dryRun: false, cancellationToken);
        var changed = result.Counts.Where(c => c.Count > 0).Select(c => $"{c.Records} {c.Count}").ToList();
        return $"{result.Counts.Sum(c => c.Count)} record(s) past their window removed or anonymised" + (changed.Count > 0 ? $" ({string.Join(", ", changed)})" : "");
    }

    /// <summary>Runs (or counts) retention now, measuring every window back from the current time.</summary>
    public async Task<RunRetentionResponse> RunAsync(bool dryRun, CancellationToken cancellationToken)
    {
        if (!dryRun)
        {
            // Files whose rows an earlier removal took but a crash kept on disk go first.
            await blobDeletions.CompleteAsync(cancellationToken);
        }

        var now = time.GetUtcNow();
        var applied = await windows.EffectiveAsync(cancellationToken);
        var scope = ErasureScope.OlderThan(applied.ToDictionary(w => w.DataClass, w => now - TimeSpan.FromDays(w.Days)));
        var response = new RunRetentionResponse { DryRun = dryRun, AsOf = Timestamp.FromDateTimeOffset(now) };
        response.Windows.AddRange(applied);
        if (dryRun)
        {
            response.Counts.AddRange(await eraser.EraseAsync(scope, dryRun: true, cancellationToken));
            return response;
        }

        response.ReceiptSubject = "retention/runs/" + Guid.CreateVersion7();
        await receipts.RecordAsync(Action, r => r.ReceiptSubject, async () =>
        {
            response.Counts.AddRange(await eraser.EraseAsync(scope, dryRun: false, cancellationToken));
            return response;
        }, cancellationToken);
        await blobDeletions.CompleteAsync(CancellationToken.None);
        return response;
    }
}
