using System.Globalization;
using Grpc.Core;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Notifications.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Notifications;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Notifications;

/// <summary>
/// pilotdeck.notifications.v1.NotificationsService: the tenant's channels (secrets write-only), its
/// outbox, retrying dead messages and test messages. Every change leaves a receipt.
/// </summary>
public sealed class NotificationsService(
    PilotdeckDbContext db,
    ChannelSettings channels,
    NotificationOutbox outbox,
    NotificationDelivery delivery,
    Pager pager,
    ChangeReceipts receipts,
    IBackgroundJobClient jobs,
    TimeProvider time)
    : Contracts.Notifications.V1.NotificationsService.NotificationsServiceBase
{
    public override async Task<GetChannelsResponse> GetChannels(GetChannelsRequest request, ServerCallContext context)
    {
        var response = new GetChannelsResponse();
        foreach (var channel in await db.NotificationChannels.AsNoTracking().ToListAsync(context.CancellationToken))
        {
            if (channel.Kind == NotificationChannels.Webhook)
            {
                response.Webhook = NotificationMapping.ToWebhook(channel);
            }
            else
            {
                response.Smtp = NotificationMapping.ToSmtp(channel);
            }
        }

        return response;
    }

    public override async Task<SetWebhookChannelResponse> SetWebhookChannel(SetWebhookChannelRequest request, ServerCallContext context)
    {
        var record = await channels.FindOrAddAsync(NotificationChannels.Webhook, context.CancellationToken);
        ChannelValidation.Check(request.Webhook, record.ProtectedSecret is not null);
        var webhook = request.Webhook;
        var saved = await receipts.RecordAsync(context.Method, _ => "notifications/channels/webhook", async () =>
        {
            record.Url = webhook.Url;
            record.WebhookAuth = NotificationMapping.FromContract(webhook.Auth);
            KeepOrReplaceSecret(record, record.WebhookAuth == WebhookAuths.None ? null : webhook.Secret);
            record.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(context.CancellationToken);
            return NotificationMapping.ToWebhook(record);
        }, context.CancellationToken);
        return new SetWebhookChannelResponse { Webhook = saved };
    }

    public override async Task<SetSmtpChannelResponse> SetSmtpChannel(SetSmtpChannelRequest request, ServerCallContext context)
    {
        var record = await channels.FindOrAddAsync(NotificationChannels.Smtp, context.CancellationToken);
        ChannelValidation.Check(request.Smtp, record.ProtectedSecret is not null);
        var smtp = request.Smtp;
        var saved = await receipts.RecordAsync(context.Method, _ => "notifications/channels/smtp", async () =>
        {
            record.SmtpHost = smtp.Host;
            record.SmtpPort = smtp.Port;
            record.SmtpTls = NotificationMapping.FromContract(smtp.Tls);
            record.FromAddress = smtp.FromAddress;
            record.Username = smtp.Username.Length == 0 ? null : smtp.Username;
            KeepOrReplaceSecret(record, smtp.Username.Length == 0 ? null : smtp.Password);
            record.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(context.CancellationToken);
            return NotificationMapping.ToSmtp(record);
        }, context.CancellationToken);
        return new SetSmtpChannelResponse { Smtp = saved };
    }

    public override async Task<ListMessagesResponse> ListMessages(ListMessagesRequest request, ServerCallContext context)
    {
        var state = request.State == MessageState.Unspecified ? null
            : NotificationMapping.FromContract(request.State) ?? throw ApiErrors.InvalidArgument(new FieldViolation("state", $"unknown state {(int)request.State}"));
        var channel = request.Channel == ChannelKind.Unspecified ? null
            : NotificationMapping.FromContract(request.Channel) ?? throw ApiErrors.InvalidArgument(new FieldViolation("channel", $"unknown channel {(int)request.Channel}"));
        var page = pager.Read(request.PageSize, request.PageToken, $"state={state};channel={channel}");
        var query = db.OutboxMessages.AsNoTracking();
        if (state is not null)
        {
            query = query.Where(m => m.State == state);
        }

        if (channel is not null)
        {
            query = query.Where(m => m.Channel == channel);
        }

        if (page.After is { } after)
        {
            var (created, id) = NewestFirstKey.Parse(after);
            query = query.Where(m => m.CreatedAt < created || (m.CreatedAt == created && string.Compare(m.Id, id) < 0));
        }

        var rows = await query.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (items, next) = pager.Page(page, rows, m => new NewestFirstKey(m.CreatedAt, m.Id).ToString());
        var counts = await db.OutboxMessages.GroupBy(m => m.State).Select(g => new { State = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.State, g => g.Count, context.CancellationToken);
        var response = new ListMessagesResponse
        {
            NextPageToken = next,
            PendingCount = counts.GetValueOrDefault(OutboxStates.Pending),
            DeliveredCount = counts.GetValueOrDefault(OutboxStates.Delivered),
            DeadCount = counts.GetValueOrDefault(OutboxStates.Dead),
        };
        response.Messages.AddRange(items.Select(NotificationMapping.ToContract));
        return response;
    }

    public override async Task<RetryMessageResponse> RetryMessage(RetryMessageRequest request, ServerCallContext context)
    {
        var id = request.MessageId;
        var message = id.Length == 0 ? throw ApiErrors.InvalidArgument(new FieldViolation("message_id", "is required"))
            : await FindAsync(id, context.CancellationToken);
        if (message.State != OutboxStates.Dead)
        {
            throw NotDead(message.State);
        }

        var retried = await receipts.RecordAsync(context.Method, m => "notifications/" + m.MessageId, async () =>
        {
            var now = time.GetUtcNow();
            // Conditional: of two concurrent retries one resets the message, the other is told it is not dead.
            var rows = await db.OutboxMessages.Where(m => m.Id == id && m.State == OutboxStates.Dead).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, OutboxStates.Pending)
                .SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.NextAttemptAt, now)
                .SetProperty(m => m.ClaimToken, (string?)null)
                .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null), context.CancellationToken);
            return rows == 1 ? NotificationMapping.ToContract(await FindAsync(id, context.CancellationToken)) : throw NotDead(message.State);
        }, context.CancellationToken);

        // Delivered by a run now rather than at the next scheduled one.
        jobs.Enqueue<NotificationDelivery>(d => d.RunAsync(CancellationToken.None));
        return new RetryMessageResponse { Message = retried };
    }

    public override async Task<SendTestMessageResponse> SendTestMessage(SendTestMessageRequest request, ServerCallContext context)
    {
        var channel = NotificationMapping.FromContract(request.Channel)
            ?? throw ApiErrors.InvalidArgument(new FieldViolation("channel", "must be WEBHOOK or SMTP"));
        if (channel == NotificationChannels.Smtp ? !EmailAddresses.IsValid(request.Recipient) : request.Recipient.Length > EmailAddresses.MaxLength || request.Recipient.Any(char.IsControl))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("recipient", channel == NotificationChannels.Smtp
                ? "must be a valid email address" : "must be at most 320 characters, without control characters"));
        }

        if (await channels.FindAsync(channel, context.CancellationToken) is null)
        {
            throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.NotificationChannelNotConfigured,
                $"The {channel} channel is not configured in this tenant.", new Dictionary<string, string> { ["channel"] = channel });
        }

        var queued = await receipts.RecordAsync(context.Method, m => "notifications/" + m.MessageId, async () =>
        {
            var record = await outbox.EnqueueAsync(new Notification(channel, request.Recipient, "Pilotdeck test message",
                $"This is a test of the {channel} channel, sent from Pilotdeck by {receipts.Actor} at {time.GetUtcNow().ToString("u", CultureInfo.InvariantCulture)}.",
                "notifications/test"), context.CancellationToken);
            await db.SaveChangesAsync(context.CancellationToken);
            return NotificationMapping.ToContract(record);
        }, context.CancellationToken);

        await delivery.DeliverAsync(queued.MessageId, context.CancellationToken);
        return new SendTestMessageResponse { Message = NotificationMapping.ToContract(await FindAsync(queued.MessageId, context.CancellationToken)) };
    }

    private void KeepOrReplaceSecret(NotificationChannelRecord record, string? secret)
    {
        if (secret is null)
        {
            channels.SetSecret(record, null);
        }
        else if (secret.Length > 0)
        {
            channels.SetSecret(record, secret);
        }
    }

    private async Task<OutboxMessageRecord> FindAsync(string id, CancellationToken cancellationToken) =>
        await db.OutboxMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.NotificationNotFound, "Notification", id);

    private static RpcException NotDead(string state) =>
        ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.NotificationNotDead,
            $"Only a dead message can be retried; this one is {state}.", new Dictionary<string, string> { ["state"] = state });
}
