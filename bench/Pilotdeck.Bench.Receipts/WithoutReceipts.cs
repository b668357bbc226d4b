using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Pilotdeck.Data;
using Pilotdeck.Data.Receipts;

[assembly: HostingStartup(typeof(Pilotdeck.Bench.Receipts.WithoutReceiptsStartup))]

namespace Pilotdeck.Bench.Receipts;

/// <summary>
/// BENCH ONLY. Loaded into the real host only by this bench's CreateMember part
/// (<c>--hostingStartupAssemblies=Pilotdeck.Bench.Receipts</c>): adds <see cref="WithoutReceipts"/>
/// to the host's EF contexts, so the same RPC can be timed with and without its receipt in one
/// run. The product has no such switch and gets none: receipts cannot be turned off.
/// </summary>
public sealed class WithoutReceiptsStartup : IHostingStartup
{
    public void Configure(IWebHostBuilder builder) =>
        builder.ConfigureServices(services =>
        {
            services.ConfigureDbContext<SqlitePilotdeckDbContext>(o => o.AddInterceptors(WithoutReceipts.Instance));
            services.ConfigureDbContext<PostgresPilotdeckDbContext>(o => o.AddInterceptors(WithoutReceipts.Instance));
        });
}

/// <summary>
/// While <see cref="Active"/>, drops the receipt rows a SaveChanges was about to insert: the change
/// commits without its receipt, so the log service has nothing to sequence. The receipt is still
/// built (its id and content hash, a few microseconds), which only makes the "without" arm slower,
/// that is the measured overhead smaller by that much; everything else of the RPC is unchanged.
/// </summary>
public sealed class WithoutReceipts : SaveChangesInterceptor
{
    public static readonly WithoutReceipts Instance = new();

    private static long _dropped;

    public static bool Active { get; set; }

    /// <summary>Receipts dropped so far; the bench checks it equals the calls of the "without" arm.</summary>
    public static long Dropped => Interlocked.Read(ref _dropped);

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (Active && eventData.Context is { } context)
        {
            foreach (var entry in context.ChangeTracker.Entries<ReceiptRecord>().Where(e => e.State == EntityState.Added).ToList())
            {
                entry.State = EntityState.Detached;
                Interlocked.Increment(ref _dropped);
            }
        }

        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }
}
