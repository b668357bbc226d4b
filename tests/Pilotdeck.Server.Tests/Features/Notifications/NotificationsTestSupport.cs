using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Notifications.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Notifications;
using Pilotdeck.Server.Tests.Hosting;
using Pilotdeck.Server.Tests.Platform.Jobs;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Features.Notifications;

/// <summary>The real host with short backoff and three attempts, so retries and dead letters take fractions of a second.</summary>
public abstract class NotificationsHostFixture : JobsHostFixture
{
    public const int MaxAttempts = 3;

    protected override IEnumerable<string> ExtraArgs =>
    [
        .. base.ExtraArgs,
        $"--Pilotdeck:Notifications:MaxAttempts={MaxAttempts}",
        "--Pilotdeck:Notifications:InitialBackoff=00:00:00.300",
        "--Pilotdeck:Notifications:MaxBackoff=00:00:00.600",
        "--Pilotdeck:Notifications:SendTimeout=00:00:05",
    ];

    public NotificationsService.NotificationsServiceClient Notifications => new(CreateChannel());

    public async Task<Metadata> OwnerAsync(TenantUnderTest tenant) => Bearer(await UserTokenAsync(tenant.OwnerEmail, tenant.OwnerPassword));

    public async Task SetWebhookAsync(TenantUnderTest tenant, string url, WebhookAuth auth = WebhookAuth.None, string secret = "") =>
        await Notifications.SetWebhookChannelAsync(new SetWebhookChannelRequest { Webhook = new WebhookChannel { Url = url, Auth = auth, Secret = secret } }, await OwnerAsync(tenant));

    /// <summary>Points the tenant's SMTP channel (plain, no TLS) and webhook at receivers on loopback.</summary>
    public async Task SetChannelsAsync(TenantUnderTest tenant, SmtpReceiver smtp, WebhookReceiver webhook)
    {
        await Notifications.SetSmtpChannelAsync(new SetSmtpChannelRequest
        {
            Smtp = new SmtpChannel { Host = "127.0.0.1", Port = smtp.Port, Tls = SmtpTls.None, FromAddress = "pilot@pilotdeck.example" },
        }, await OwnerAsync(tenant));
        await SetWebhookAsync(tenant, webhook.Url);
    }

    /// <summary>Enqueues as a producer does, inside a transaction it commits or rolls back.</summary>
    public async Task<string> EnqueueAsync(string tenantId, Notification notification, bool commit = true) =>
        (await EnqueueAllAsync(tenantId, [notification], commit))[0];

    /// <summary>Enqueues several in one unit of work (one save, one transaction); the messages' ids in order.</summary>
    public async Task<List<string>> EnqueueAllAsync(string tenantId, IReadOnlyList<Notification> notifications, bool commit = true)
    {
        await using var scope = Services.CreateTenantScope(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var outbox = scope.ServiceProvider.GetRequiredService<NotificationOutbox>();
        var ids = new List<string>();
        foreach (var notification in notifications)
        {
            ids.Add((await outbox.EnqueueAsync(notification, CancellationToken.None)).Id);
        }

        await db.SaveChangesAsync();
        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }

        return ids;
    }

    /// <summary>One delivery run in the tenant, as the job runs it.</summary>
    public async Task<string> RunDeliveryAsync(string tenantId)
    {
        await using var scope = Services.CreateTenantScope(tenantId);
        return await scope.ServiceProvider.GetRequiredService<NotificationDelivery>().RunAsync(CancellationToken.None);
    }

    public async Task<OutboxMessageRecord?> FindAsync(string tenantId, string id)
    {
        await using var scope = Services.CreateTenantScope(tenantId);
        return await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().OutboxMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id);
    }

    /// <summary>Runs delivery until the message reaches <paramref name="state"/> (backoff is short here) and returns it.</summary>
    public async Task<OutboxMessageRecord> RunUntilAsync(string tenantId, string id, string state)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var message = await FindAsync(tenantId, id);
            if (message?.State == state)
            {
                return message;
            }

            await RunDeliveryAsync(tenantId);
            await Task.Delay(50, timeout.Token);
        }
    }

    public async Task<List<Data.Receipts.ReceiptRecord>> ReceiptsAsync(string tenantId, string subject)
    {
        await using var scope = Services.CreateTenantScope(tenantId);
        return await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Receipts.AsNoTracking().Where(r => r.Subject == subject).ToListAsync();
    }
}

public sealed class SqliteNotificationsHostFixture : NotificationsHostFixture
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresNotificationsHostFixture : NotificationsHostFixture
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
