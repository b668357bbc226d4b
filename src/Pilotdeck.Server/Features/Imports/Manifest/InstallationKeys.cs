using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Imports;
using Pilotdeck.Transparency.Notes;

namespace Pilotdeck.Server.Features.Imports.Manifest;

/// <summary>
/// The installation's own Ed25519 signing keys (one per purpose; today import error manifests),
/// made on first use and stored with the private half protected by ASP.NET Core Data Protection,
/// as <see cref="Platform.Receipts.TenantLogKeys"/> stores tenant log keys. Installation-wide:
/// not tenant-owned, the same key signs every tenant's manifests.
/// </summary>
public sealed class InstallationKeys(PilotdeckDbContext db, IDataProtectionProvider protection, TimeProvider time)
{
    public const string ImportManifestPurpose = "import-manifest";

    private IDataProtector Protector => protection.CreateProtector("Pilotdeck.InstallationKeys.v1");

    /// <summary>The key for <paramref name="purpose"/>, created and saved if there is none yet.</summary>
    public async Task<NoteSigningKey> SigningKeyAsync(string purpose, CancellationToken cancellationToken)
    {
        if (await FindAsync(purpose, cancellationToken) is { } stored)
        {
            return NoteSigningKey.Parse(Protector.Unprotect(stored.ProtectedPrivateKey));
        }

        var key = NoteSigningKey.Generate("pilotdeck-" + purpose);
        db.InstallationKeys.Add(new InstallationKeyRecord
        {
            Purpose = purpose,
            ProtectedPrivateKey = Protector.Protect(key.ExportText()),
            PublicKey = key.VerifierKey.PublicKey.ToArray(),
            CreatedAt = time.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return key;
        }
        catch (DbUpdateException)
        {
            // Another host made it first; theirs is the key.
            db.ChangeTracker.Clear();
            var winner = await FindAsync(purpose, cancellationToken) ?? throw new InvalidOperationException("The installation key could be neither stored nor read.");
            return NoteSigningKey.Parse(Protector.Unprotect(winner.ProtectedPrivateKey));
        }
    }

    private Task<InstallationKeyRecord?> FindAsync(string purpose, CancellationToken cancellationToken) =>
        db.InstallationKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Purpose == purpose, cancellationToken);
}
