using Microsoft.Extensions.Options;
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
                for (var batch = 0; batch < MaxBatchesPerPeriod; batch++)
                {
                    // A scope per batch: the context does not keep tracking every receipt of the backlog.
                    await using var scope = scopes.CreateTenantScope(tenantId);
                    if (await scope.ServiceProvider.GetRequiredService<ReceiptSequencer>().SequenceAsync(cancellationToken) is not { } checkpoint)
                    {
                        break;
                    }

                    logger.LogDebug("Tenant {Tenant}: receipt log signed at size {Size}.", tenantId, checkpoint.TreeSize);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // One tenant's failure (e.g. a key this host cannot read) must not hold up the others'.
                logger.LogError(ex, "Sequencing tenant {Tenant}'s receipts failed; retrying next period.", tenantId);
            }
        }
    }
}
