using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Notifications.V1;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Server.Platform.Notifications;

namespace Pilotdeck.Server.Features.Notifications;

/// <summary>Between the stored names of channels, states and modes and the contract's enums and messages.</summary>
public static class NotificationMapping
{
    public static ChannelKind ToContractChannel(string channel) => channel switch
    {
        NotificationChannels.Webhook => ChannelKind.Webhook,
        NotificationChannels.Smtp => ChannelKind.Smtp,
        _ => ChannelKind.Unspecified,
    };

    public static string? FromContract(ChannelKind channel) => channel switch
    {
        ChannelKind.Webhook => NotificationChannels.Webhook,
        ChannelKind.Smtp => NotificationChannels.Smtp,
        _ => null,
    };

    public static MessageState ToContractState(string state) => state switch
    {
        OutboxStates.Pending => MessageState.Pending,
        OutboxStates.Delivered => MessageState.Delivered,
        OutboxStates.Dead => MessageState.Dead,
        _ => MessageState.Unspecified,
    };

    public static string? FromContract(MessageState state) => state switch
    {
        MessageState.Pending => OutboxStates.Pending,
        MessageState.Delivered => OutboxStates.Delivered,
        MessageState.Dead => OutboxStates.Dead,
        _ => null,
    };

    public static string? FromContract(WebhookAuth auth) => auth switch
    {
        WebhookAuth.Unspecified or WebhookAuth.None => WebhookAuths.None,
        WebhookAuth.Bearer => WebhookAuths.Bearer,
        WebhookAuth.HmacSha256 => WebhookAuths.HmacSha256,
        _ => null,
    };

    public static string? FromContract(SmtpTls tls) => tls switch
    {
        SmtpTls.None => SmtpTlsModes.None,
        SmtpTls.Starttls => SmtpTlsModes.StartTls,
        SmtpTls.Implicit => SmtpTlsModes.Implicit,
        _ => null,
    };

    public static OutboxMessage ToContract(OutboxMessageRecord m) => new()
    {
        MessageId = m.Id,
        Channel = ToContractChannel(m.Channel),
        Recipient = m.Recipient,
        Subject = m.Subject,
        Body = m.Body,
        DedupeKey = m.DedupeKey ?? "",
        Source = m.Source,
        State = ToContractState(m.State),
        Attempts = m.Attempts,
        NextAttemptTime = m.State == OutboxStates.Pending ? Timestamp.FromDateTimeOffset(m.NextAttemptAt) : null,
        LastError = m.LastError ?? "",
        CreateTime = Timestamp.FromDateTimeOffset(m.CreatedAt),
        DeliverTime = m.DeliveredAt is { } delivered ? Timestamp.FromDateTimeOffset(delivered) : null,
    };

    // Secrets are write-only: the answer says whether one is stored, never what it is.
    public static WebhookChannel ToWebhook(NotificationChannelRecord c) => new()
    {
        Url = c.Url ?? "",
        Auth = c.WebhookAuth switch
        {
            WebhookAuths.Bearer => WebhookAuth.Bearer,
            WebhookAuths.HmacSha256 => WebhookAuth.HmacSha256,
            _ => WebhookAuth.None,
        },
        SecretSet = c.ProtectedSecret is not null,
        UpdateTime = Timestamp.FromDateTimeOffset(c.UpdatedAt),
    };

    public static SmtpChannel ToSmtp(NotificationChannelRecord c) => new()
    {
        Host = c.SmtpHost ?? "",
        Port = c.SmtpPort,
        Tls = c.SmtpTls switch
        {
            SmtpTlsModes.StartTls => SmtpTls.Starttls,
            SmtpTlsModes.Implicit => SmtpTls.Implicit,
            _ => SmtpTls.None,
        },
        FromAddress = c.FromAddress ?? "",
        Username = c.Username ?? "",
        PasswordSet = c.ProtectedSecret is not null,
        UpdateTime = Timestamp.FromDateTimeOffset(c.UpdatedAt),
    };
}
