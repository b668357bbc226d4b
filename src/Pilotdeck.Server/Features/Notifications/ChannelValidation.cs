using System.Globalization;
using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Notifications.V1;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Notifications;

/// <summary>
/// Checks a channel configuration before it is stored: every problem becomes one field violation of
/// one INVALID_ARGUMENT (NOTIFICATION_CHANNEL_INVALID), so a form can mark all its fields at once.
/// </summary>
public static class ChannelValidation
{
    private const int MaxSecretLength = 1000;

    /// <param name="secretStored">Whether the stored channel has a secret an empty one would keep.</param>
    public static void Check(WebhookChannel? webhook, bool secretStored)
    {
        var problems = new List<FieldViolation>();
        if (webhook is null)
        {
            throw Invalid(NotificationChannels.Webhook, [new FieldViolation("webhook", "is required")]);
        }

        if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.Host.Length == 0)
        {
            problems.Add(new FieldViolation("webhook.url", "must be an absolute http or https URL"));
        }
        else if (webhook.Url.Length > 2000 || url.UserInfo.Length > 0)
        {
            problems.Add(new FieldViolation("webhook.url", "must be at most 2,000 characters, without user:password@ (use auth and secret)"));
        }

        if (NotificationMapping.FromContract(webhook.Auth) is null)
        {
            problems.Add(new FieldViolation("webhook.auth", $"unknown auth {(int)webhook.Auth}"));
        }
        else if (webhook.Auth is WebhookAuth.Bearer or WebhookAuth.HmacSha256 && webhook.Secret.Length == 0 && !secretStored)
        {
            problems.Add(new FieldViolation("webhook.secret", "is required for bearer or HMAC authentication"));
        }

        CheckSecret(webhook.Secret, "webhook.secret", problems);
        ThrowIfAny(NotificationChannels.Webhook, problems);
    }

    public static void Check(SmtpChannel? smtp, bool passwordStored)
    {
        var problems = new List<FieldViolation>();
        if (smtp is null)
        {
            throw Invalid(NotificationChannels.Smtp, [new FieldViolation("smtp", "is required")]);
        }

        if (Uri.CheckHostName(smtp.Host) is UriHostNameType.Unknown || smtp.Host.Length > 253)
        {
            problems.Add(new FieldViolation("smtp.host", "must be a host name or an IP address"));
        }

        if (smtp.Port is < 1 or > 65535)
        {
            problems.Add(new FieldViolation("smtp.port", "must be between 1 and 65535"));
        }

        if (NotificationMapping.FromContract(smtp.Tls) is null)
        {
            problems.Add(new FieldViolation("smtp.tls", "must be NONE, STARTTLS or IMPLICIT"));
        }

        if (!EmailAddresses.IsValid(smtp.FromAddress))
        {
            problems.Add(new FieldViolation("smtp.from_address", "must be a valid email address"));
        }

        if (smtp.Username.Length > 320 || smtp.Username.Any(char.IsControl))
        {
            problems.Add(new FieldViolation("smtp.username", "must be at most 320 characters, without control characters"));
        }

        if (smtp.Username.Length > 0 && smtp.Password.Length == 0 && !passwordStored)
        {
            problems.Add(new FieldViolation("smtp.password", "is required with a username"));
        }

        CheckSecret(smtp.Password, "smtp.password", problems);
        ThrowIfAny(NotificationChannels.Smtp, problems);
    }

    private static void CheckSecret(string secret, string field, List<FieldViolation> problems)
    {
        if (secret.Length > MaxSecretLength || secret.Any(char.IsControl))
        {
            problems.Add(new FieldViolation(field, $"must be at most {MaxSecretLength.ToString("N0", CultureInfo.InvariantCulture)} characters, without control characters"));
        }
    }

    private static void ThrowIfAny(string channel, List<FieldViolation> problems)
    {
        if (problems.Count > 0)
        {
            throw Invalid(channel, problems);
        }
    }

    private static RpcException Invalid(string channel, IReadOnlyList<FieldViolation> problems) =>
        ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.NotificationChannelInvalid,
            $"The {channel} channel does not validate: " + string.Join("; ", problems.Select(p => $"{p.Field}: {p.Description}")),
            new Dictionary<string, string> { ["channel"] = channel, ["fields"] = string.Join(",", problems.Select(p => p.Field)) },
            problems);
}
