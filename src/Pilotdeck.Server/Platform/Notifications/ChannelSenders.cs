using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Pilotdeck.Data.Notifications;

namespace Pilotdeck.Server.Platform.Notifications;

/// <summary>A receiver that answered but refused the message.</summary>
public sealed class DeliveryFailedException(string message) : Exception(message);

/// <summary>
/// POSTs a message as JSON that Slack and Teams incoming webhooks accept (<c>text</c>) and that
/// other receivers can read field by field (<c>pilotdeck</c>); docs/notifications.md shows the shape.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients)
{
    public const string ClientName = "pilotdeck-notifications";
    public const string SignatureHeader = "X-Pilotdeck-Signature";

    public async Task SendAsync(NotificationChannelRecord channel, string? secret, OutboxMessageRecord message, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            text = message.Subject.Length == 0 ? message.Body : $"{message.Subject}\n\n{message.Body}",
            pilotdeck = new
            {
                message_id = message.Id,
                subject = message.Subject,
                body = message.Body,
                recipient = message.Recipient,
                source = message.Source,
                created_at = message.CreatedAt.ToString("O"),
            },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        // Delivery is at least once (a worker can die after sending): receivers dedupe on this.
        request.Headers.Add("Idempotency-Key", message.Id);
        switch (channel.WebhookAuth)
        {
            case WebhookAuths.Bearer:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
                break;
            case WebhookAuths.HmacSha256:
                request.Headers.Add(SignatureHeader, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret ?? ""), body)));
                break;
        }

        using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new DeliveryFailedException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }
}

/// <summary>Sends a message as a plain-text email through the tenant's SMTP server, with MailKit.</summary>
public sealed class SmtpSender(IOptions<NotificationOptions> options)
{
    public async Task SendAsync(NotificationChannelRecord channel, string? password, OutboxMessageRecord message, CancellationToken cancellationToken)
    {
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(channel.FromAddress ?? throw new DeliveryFailedException("the SMTP channel has no From address")));
        mail.To.Add(MailboxAddress.Parse(message.Recipient));
        mail.Subject = message.Subject;
        // One id per outbox message, so a resend after a lost claim is recognisably the same mail.
        mail.MessageId = $"{message.Id}@pilotdeck";
        mail.Body = new TextPart("plain") { Text = message.Body };

        using var client = new SmtpClient { Timeout = (int)options.Value.SendTimeout.TotalMilliseconds };
        var tls = channel.SmtpTls switch
        {
            SmtpTlsModes.Implicit => SecureSocketOptions.SslOnConnect,
            SmtpTlsModes.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await client.ConnectAsync(channel.SmtpHost ?? "", channel.SmtpPort, tls, cancellationToken);
        if (!string.IsNullOrEmpty(channel.Username))
        {
            await client.AuthenticateAsync(channel.Username, password ?? "", cancellationToken);
        }

        await client.SendAsync(mail, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}

/// <summary>The stored names of a webhook's authentication.</summary>
public static class WebhookAuths
{
    public const string None = "none";
    public const string Bearer = "bearer";
    public const string HmacSha256 = "hmac-sha256";
}

/// <summary>The stored names of an SMTP channel's TLS mode.</summary>
public static class SmtpTlsModes
{
    public const string None = "none";
    public const string StartTls = "starttls";
    public const string Implicit = "implicit";
}
