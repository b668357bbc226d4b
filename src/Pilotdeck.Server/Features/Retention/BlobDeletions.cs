using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Server.Platform.Blobs;

namespace Pilotdeck.Server.Features.Retention;

/// <summary>
/// Deletes the files of attachment rows that retention or erasure removed, once that removal has
/// committed; each pending deletion is forgotten only after its file is gone. Called right after every
/// removal and again at the start of each retention run, which finishes what a crash interrupted.
/// </summary>
public sealed class BlobDeletions(PilotdeckDbContext db, IBlobStore blobs, ILogger<BlobDeletions> logger)
{
    /// <summary>Deletes every pending file of the scope's tenant; returns how many.</summary>
    public async Task<int> CompleteAsync(CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var pending = await db.BlobDeletions.OrderBy(d => d.Id).ToListAsync(cancellationToken);
        foreach (var deletion in pending)
        {
            await blobs.DeleteAsync(deletion.BlobKey, cancellationToken);
            db.BlobDeletions.Remove(deletion);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (pending.Count > 0)
        {
            logger.LogInformation("Deleted {Count} attachment file(s) whose records were removed.", pending.Count);
        }

        return pending.Count;
    }
}
