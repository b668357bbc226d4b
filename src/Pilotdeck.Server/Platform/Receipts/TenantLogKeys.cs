using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Data;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Transparency.Notes;

namespace Pilotdeck.Server.Platform.Receipts;

/// <summary>
/// The Ed25519 key of the scope's tenant's log, made on first use. The key's name is the log's
/// origin, as the C2SP checkpoint format asks. Scoped, tenant-bound.
/// </summary>
public sealed class TenantLogKeys(PilotdeckDbContext db, ITenantContext tenant, IDataProtectionProvider protection, IOptions<ReceiptLogOptions> options, TimeProvider time)
{
    private IDataProtector Protector => protection.CreateProtector("Pilotdeck.ReceiptLog.SigningKey.v1");

    public string Origin => $"{options.Value.OriginPrefix}/tenants/{TenantId}";

    private string TenantId => tenant.TenantId ?? throw new InvalidOperationException("A tenant log needs a tenant-bound scope.");

    /// <summary>The verifier key text, or null while the tenant's log has never been signed.</summary>
    public async Task<string?> FindVerifierKeyAsync(CancellationToken cancellationToken) =>
        await db.LogKeys.AsNoTracking().Select(k => k.VerifierKey).SingleOrDefaultAsync(cancellationToken);

    /// <summary>The signing key, created and stored (in the caller's transaction) if the tenant has none.</summary>
    public async Task<NoteSigningKey> SigningKeyAsync(CancellationToken cancellationToken)
    {
        if (await db.LogKeys.AsNoTracking().SingleOrDefaultAsync(cancellationToken) is { } stored)
        {
            return NoteSigningKey.Parse(Protector.Unprotect(stored.ProtectedSigningKey));
        }

        var key = NoteSigningKey.Generate(Origin);
        db.LogKeys.Add(new LogKeyRecord
        {
            Origin = Origin,
            ProtectedSigningKey = Protector.Protect(key.ExportText()),
            VerifierKey = key.VerifierKey.ToString(),
            CreatedAt = time.GetUtcNow(),
        });
        return key;
    }
}
