using System.CommandLine;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Contracts.Notifications.V1;

namespace Pilotdeck.Cli.Notifications;

/// <summary>
/// <c>pilotdeck notifications channels show|set-webhook|set-smtp | list | retry | test</c>: the tenant's
/// notification outbox and its channels (docs/notifications.md).
/// </summary>
public static class NotificationsCommand
{
    private static readonly Column<OutboxMessage>[] MessageColumns =
    [
        new("message_id", m => m.MessageId),
        new("state", m => m.State),
        new("channel", m => m.Channel),
        new("recipient", m => m.Recipient),
        new("subject", m => m.Subject),
        new("source", m => m.Source),
        new("attempts", m => m.Attempts),
        new("next_attempt_time", m => m.NextAttemptTime?.ToDateTimeOffset()),
        new("last_error", m => m.LastError),
        new("create_time", m => m.CreateTime?.ToDateTimeOffset()),
        new("deliver_time", m => m.DeliverTime?.ToDateTimeOffset()),
    ];

    private sealed record ChannelRow(string Channel, string Target, string Security, string From, string Username, bool SecretSet, DateTimeOffset? UpdateTime);

    private static readonly Column<ChannelRow>[] ChannelColumns =
    [
        new("channel", c => c.Channel),
        new("target", c => c.Target),
        new("security", c => c.Security),
        new("from_address", c => c.From),
        new("username", c => c.Username),
        new("secret_set", c => c.SecretSet),
        new("update_time", c => c.UpdateTime),
    ];

    public static Command Create(ApiContext api) => new("notifications", "The tenant's notification outbox: channels, messages, dead letters, test messages.")
    {
        new Command("channels", "Where messages leave: the webhook and SMTP channels (admins).") { Show(api), SetWebhook(api), SetSmtp(api) },
        List(api),
        Retry(api),
        Test(api),
    };

    private static Command Show(ApiContext api)
    {
        var output = Renderer.CreateOption();
        var command = new Command("show", "Show the channels' configuration; secrets are never shown, only whether one is set.") { output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var channels = await client.Notifications.GetChannelsAsync(new GetChannelsRequest(), cancellationToken: token);
            var rows = new List<ChannelRow>();
            if (channels.Webhook is { } webhook)
            {
                rows.Add(Row(webhook));
            }

            if (channels.Smtp is { } smtp)
            {
                rows.Add(Row(smtp));
            }

            Renderer.List(writer, Renderer.FormatOf(parse, output), rows, ChannelColumns, "No channel is configured: messages wait in the outbox until one is.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command SetWebhook(ApiContext api)
    {
        var url = new Option<string>("--url") { Description = "The absolute http(s) URL to POST to (a Slack or Teams incoming webhook, or your own).", Required = true };
        var auth = new Option<string>("--auth") { Description = "none, bearer or hmac-sha256.", DefaultValueFactory = _ => "none" };
        auth.AcceptOnlyFromAmong("none", "bearer", "hmac-sha256");
        var secret = new Option<string?>("--secret") { Description = "The bearer token or HMAC key; omitted keeps the stored one." };
        var output = Renderer.CreateOption();
        var command = new Command("set-webhook", "Configure the webhook channel.") { url, auth, secret, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var webhook = new WebhookChannel
            {
                Url = parse.GetValue(url)!,
                Auth = parse.GetValue(auth) switch { "bearer" => WebhookAuth.Bearer, "hmac-sha256" => WebhookAuth.HmacSha256, _ => WebhookAuth.None },
                Secret = parse.GetValue(secret) ?? "",
            };
            var saved = (await client.Notifications.SetWebhookChannelAsync(new SetWebhookChannelRequest { Webhook = webhook }, cancellationToken: token)).Webhook;
            Renderer.Record(writer, Renderer.FormatOf(parse, output), Row(saved), ChannelColumns);
            parse.InvocationConfiguration.Error.WriteLine("Webhook channel saved. Try it: pilotdeck notifications test --channel webhook");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command SetSmtp(ApiContext api)
    {
        var host = new Option<string>("--host") { Description = "The SMTP server's host name or IP address.", Required = true };
        var port = new Option<int>("--port") { Description = "Its port (587 for STARTTLS, 465 for implicit TLS, 25 plain).", DefaultValueFactory = _ => 587 };
        var tls = new Option<string>("--tls") { Description = "none, starttls or implicit.", DefaultValueFactory = _ => "starttls" };
        tls.AcceptOnlyFromAmong("none", "starttls", "implicit");
        var from = new Option<string>("--from") { Description = "The From address of every message.", Required = true };
        var username = new Option<string?>("--username") { Description = "Sign in to the server as this user (optional)." };
        var password = new Option<string?>("--password") { Description = "The user's password; omitted keeps the stored one." };
        var output = Renderer.CreateOption();
        var command = new Command("set-smtp", "Configure the SMTP channel.") { host, port, tls, from, username, password, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var smtp = new SmtpChannel
            {
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                Tls = parse.GetValue(tls) switch { "none" => SmtpTls.None, "implicit" => SmtpTls.Implicit, _ => SmtpTls.Starttls },
                FromAddress = parse.GetValue(from)!,
                Username = parse.GetValue(username) ?? "",
                Password = parse.GetValue(password) ?? "",
            };
            var saved = (await client.Notifications.SetSmtpChannelAsync(new SetSmtpChannelRequest { Smtp = smtp }, cancellationToken: token)).Smtp;
            Renderer.Record(writer, Renderer.FormatOf(parse, output), Row(saved), ChannelColumns);
            parse.InvocationConfiguration.Error.WriteLine("SMTP channel saved. Try it: pilotdeck notifications test --channel smtp --to you@example.org");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command List(ApiContext api)
    {
        var state = new Option<string?>("--state") { Description = "Only pending, delivered or dead messages." };
        state.AcceptOnlyFromAmong("pending", "delivered", "dead");
        var channel = new Option<string?>("--channel") { Description = "Only webhook or smtp messages." };
        channel.AcceptOnlyFromAmong("webhook", "smtp");
        var limit = Paging.LimitOption("newest first", 50);
        var output = Renderer.CreateOption();
        var command = new Command("list", "List the outbox, newest first, with the count per state.") { state, channel, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListMessagesRequest
            {
                State = Enum.TryParse<MessageState>(parse.GetValue(state), ignoreCase: true, out var s) ? s : MessageState.Unspecified,
                Channel = Enum.TryParse<ChannelKind>(parse.GetValue(channel), ignoreCase: true, out var c) ? c : ChannelKind.Unspecified,
            };
            ListMessagesResponse? last = null;
            var messages = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                request.PageSize = size;
                request.PageToken = pageToken;
                last = await client.Notifications.ListMessagesAsync(request, cancellationToken: token);
                return (last.Messages.AsEnumerable(), last.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), messages, MessageColumns, "No messages.");
            parse.InvocationConfiguration.Error.WriteLine($"Outbox: {last?.PendingCount} pending, {last?.DeliveredCount} delivered, {last?.DeadCount} dead.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Retry(ApiContext api)
    {
        var id = new Argument<string>("message-id") { Description = "A dead message's id (from `notifications list --state dead`)." };
        var output = Renderer.CreateOption();
        var command = new Command("retry", "Send a dead message again, with fresh attempts.") { id, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var message = (await client.Notifications.RetryMessageAsync(new RetryMessageRequest { MessageId = parse.GetValue(id)! }, cancellationToken: token)).Message;
            Renderer.Record(writer, Renderer.FormatOf(parse, output), message, MessageColumns);
            parse.InvocationConfiguration.Error.WriteLine($"Message {message.MessageId} is pending again; a delivery run was started.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Test(ApiContext api)
    {
        var channel = new Option<string>("--channel") { Description = "webhook or smtp.", Required = true };
        channel.AcceptOnlyFromAmong("webhook", "smtp");
        var to = new Option<string?>("--to") { Description = "The recipient: an email address for smtp; optional for webhook." };
        var output = Renderer.CreateOption();
        var command = new Command("test", "Send a test message through a channel now and show what happened.") { channel, to, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new SendTestMessageRequest
            {
                Channel = parse.GetValue(channel) == "smtp" ? ChannelKind.Smtp : ChannelKind.Webhook,
                Recipient = parse.GetValue(to) ?? "",
            };
            var message = (await client.Notifications.SendTestMessageAsync(request, cancellationToken: token)).Message;
            Renderer.Record(writer, Renderer.FormatOf(parse, output), message, MessageColumns);
            parse.InvocationConfiguration.Error.WriteLine(message.State == MessageState.Delivered
                ? "Delivered."
                : $"Not delivered: {message.LastError}. The outbox retries it; see `pilotdeck notifications list`.");
            // Queued but not taken by the channel: UNAVAILABLE's code, so a script can tell it from a refused request.
            return message.State == MessageState.Delivered ? ExitCodes.Ok : ExitCodes.For(Grpc.Core.StatusCode.Unavailable);
        }, ct));
        return command;
    }

    private static ChannelRow Row(WebhookChannel w) => new("webhook", w.Url, Name(w.Auth), "", "", w.SecretSet, w.UpdateTime?.ToDateTimeOffset());

    private static ChannelRow Row(SmtpChannel s) => new("smtp", $"{s.Host}:{s.Port}", Name(s.Tls), s.FromAddress, s.Username, s.PasswordSet, s.UpdateTime?.ToDateTimeOffset());

    private static string Name(WebhookAuth auth) => auth switch { WebhookAuth.Bearer => "bearer", WebhookAuth.HmacSha256 => "hmac-sha256", _ => "none" };

    private static string Name(SmtpTls tls) => tls switch { SmtpTls.Starttls => "starttls", SmtpTls.Implicit => "implicit", _ => "none" };
}
