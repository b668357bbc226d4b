using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Notifications;

namespace Pilotdeck.Server.Platform.Notifications;

/// <summary>
/// The scope's tenant's channel configurations. The one secret per channel is stored protected by
/// ASP.NET DataProtection (as the receipt log's signing keys are) and only unprotected to send.
/// </summary>
public sealed class ChannelSettings(PilotdeckDbContext db, IDataProtectionProvider protection)
{
    private IDataProtector Protector => protection.CreateProtector("Pilotdeck.Notifications.ChannelSecret.v1");

    public Task<NotificationChannelRecord?> FindAsync(string kind, CancellationToken cancellationToken) =>
        db.NotificationChannels.SingleOrDefaultAsync(c => c.Kind == kind, cancellationToken);

    /// <summary>The stored record of <paramref name="kind"/>, tracked; a new one added to the context if the tenant has none.</summary>
    public async Task<NotificationChannelRecord> FindOrAddAsync(string kind, CancellationToken cancellationToken)
    {
        if (await FindAsync(kind, cancellationToken) is { } stored)
        {
            return stored;
        }

        var record = new NotificationChannelRecord { Kind = kind };
        db.NotificationChannels.Add(record);
        return record;
    }

    public void SetSecret(NotificationChannelRecord record, string? secret) =>
        record.ProtectedSecret = string.IsNullOrEmpty(secret) ? null : Protector.Protect(secret);

    public string? SecretOf(NotificationChannelRecord record) =>
        record.ProtectedSecret is { } stored ? Protector.Unprotect(stored) : null;
}
