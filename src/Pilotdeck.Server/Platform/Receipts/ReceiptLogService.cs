using Microsoft.Extensions.Options;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Server.Platform.Receipts;

/// <summary>
/// Runs the sequencer for every tenant once per <see cref="ReceiptLogOptions.CheckpointDelay"/>, so a
/// receipt is covered by a signed checkpoint within about that delay. A tenant's backlog is drained
/// batch after batch (up to <see cref="MaxBatchesPerPeriod"/> per period, so one busy tenant cannot
/// hold up the others): throughput is not capped at one batch per period. Every API host runs it;
/// the sequencer's per-tenant lock makes that safe.
/// </summary>
public sealed class ReceiptLogService(IServiceScopeFactory scopes, IOptions<ReceiptLogOptions> options, ILogger<ReceiptLogService> logger) : BackgroundService
{
    public const int MaxBatchesPerPeriod = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointDelay);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SequenceEveryTenantAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Listing the tenants failed (the database is down): the next period tries again.
                    logger.LogError(ex, "Sequencing receipts failed; retrying in {Delay}.", options.Value.CheckpointDelay);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; what is pending is sequenced by the next run, on any host.
        }
    }

    private async Task SequenceEveryTenantAsync(CancellationToken cancellationToken)
    {
        var tenantIds = await scopes.ListTenantIdsAsync(cancellationToken);
        foreach (var tenantId in tenantIds)
        {
            try
            {
                await DrainAsync(tenantId, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // One tenant's failure (e.g. a key this host cannot read) must not hold up the others'.
                logger.LogError(ex, "Sequencing tenant {Tenant}'s receipts failed; retrying next period.", tenantId);
            }
        }
    }

    /// <summary>
    /// Sequences the tenant's backlog batch after batch, each batch read and hashed on a second
    /// connection while the one before it commits: the commit (writes, signature) and the
    /// preparation (reads, hashing) overlap instead of alternating.
    /// </summary>
    private async Task DrainAsync(string tenantId, CancellationToken cancellationToken)
    {
        PreparedBatch? batch = null;
        for (var count = 0; count < MaxBatchesPerPeriod; count++)
        {
            // A scope per batch: the context does not keep tracking every receipt of the backlog.
            await using var scope = scopes.CreateTenantScope(tenantId);
            var sequencer = scope.ServiceProvider.GetRequiredService<ReceiptSequencer>();
            batch ??= await sequencer.HasPendingAsync(cancellationToken) ? await sequencer.PrepareAsync(null, cancellationToken) : null;
            if (batch is null)
            {
                return;
            }

            await using var ahead = scopes.CreateTenantScope(tenantId);
            var next = ahead.ServiceProvider.GetRequiredService<ReceiptSequencer>().PrepareAsync(batch, cancellationToken);
            LogCheckpointRecord? checkpoint;
            try
            {
                checkpoint = await sequencer.TryCommitAsync(batch, cancellationToken);
            }
            catch
            {
                // Not while the next batch still reads on its scope's connection.
                await Task.WhenAny(next);
                throw;
            }

            // Null: another sequencer extended the log first, so the next batch starts from the log again.
            var prepared = await next;
            batch = checkpoint is null ? null : prepared;
            if (checkpoint is not null)
            {
                logger.LogDebug("Tenant {Tenant}: receipt log signed at size {Size}.", tenantId, checkpoint.TreeSize);
            }
        }
    }
}
