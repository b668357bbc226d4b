using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.Notifications.V1;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Hosting;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Features.Notifications;

/// <summary>
/// The channels over the API, per provider: validation with field violations, write-only secrets
/// that still reach the receiver, admin-only configuration, SMTP delivery to a real aiosmtpd, and
/// test messages. Acme never gets an SMTP channel here (the not-configured case).
/// </summary>
public abstract class NotificationsApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : NotificationsHostFixture
{
    private readonly TFixture _host;

    protected NotificationsApiTests(TFixture host) => _host = host;

    private static async Task<RpcException> RefusedAsync<T>(AsyncUnaryCall<T> call) => await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

    private static IReadOnlyList<string> FieldsOf(RpcException e) =>
        e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field).ToList();

    [Fact]
    public async Task InvalidChannels_AreInvalidArgument_WithEveryFieldNamed()
    {
        var owner = await _host.OwnerAsync(_host.Acme);
        var webhook = await RefusedAsync(_host.Notifications.SetWebhookChannelAsync(new SetWebhookChannelRequest
        {
            Webhook = new WebhookChannel { Url = "ftp://hooks.example/x", Auth = WebhookAuth.Bearer },
        }, owner));
        Assert.Equal((StatusCode.InvalidArgument, "NOTIFICATION_CHANNEL_INVALID"), (webhook.StatusCode, ApiErrors.ReasonOf(webhook)));
        Assert.Equal(["webhook.url", "webhook.secret"], FieldsOf(webhook));

        var relative = await RefusedAsync(_host.Notifications.SetWebhookChannelAsync(new SetWebhookChannelRequest { Webhook = new WebhookChannel { Url = "/hooks" } }, owner));
        Assert.Equal(["webhook.url"], FieldsOf(relative));

        var smtp = await RefusedAsync(_host.Notifications.SetSmtpChannelAsync(new SetSmtpChannelRequest
        {
            Smtp = new SmtpChannel { Host = "bad host!", Port = 70000, FromAddress = "not-an-address", Username = "mailer" },
        }, owner));
        Assert.Equal("smtp", ApiErrors.MetadataOf(smtp)["channel"]);
        Assert.Equal(["smtp.host", "smtp.port", "smtp.tls", "smtp.from_address", "smtp.password"], FieldsOf(smtp));

        var test = await RefusedAsync(_host.Notifications.SendTestMessageAsync(new SendTestMessageRequest { Channel = ChannelKind.Smtp, Recipient = "someone@example.org" }, owner));
        Assert.Equal((StatusCode.FailedPrecondition, "NOTIFICATION_CHANNEL_NOT_CONFIGURED"), (test.StatusCode, ApiErrors.ReasonOf(test)));
        var noRecipient = await RefusedAsync(_host.Notifications.SendTestMessageAsync(new SendTestMessageRequest { Channel = ChannelKind.Smtp }, owner));
        Assert.Equal(["recipient"], FieldsOf(noRecipient));
        var badState = await RefusedAsync(_host.Notifications.ListMessagesAsync(new ListMessagesRequest { State = (MessageState)42 }, owner));
        Assert.Equal(["state"], FieldsOf(badState));
    }

    [Fact]
    public async Task Secrets_AreWriteOnly_KeptWhenLeftEmpty_AndSignTheDelivery()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var owner = await _host.OwnerAsync(_host.Demo);
        await _host.SetWebhookAsync(_host.Demo, receiver.Url, WebhookAuth.Bearer, "first-secret");
        var kept = await _host.Notifications.SetWebhookChannelAsync(new SetWebhookChannelRequest { Webhook = new WebhookChannel { Url = receiver.Url, Auth = WebhookAuth.Bearer } }, owner);
        Assert.Equal(("", true), (kept.Webhook.Secret, kept.Webhook.SecretSet));
        var read = await _host.Notifications.GetChannelsAsync(new GetChannelsRequest(), owner);
        Assert.Equal((receiver.Url, WebhookAuth.Bearer, "", true), (read.Webhook.Url, read.Webhook.Auth, read.Webhook.Secret, read.Webhook.SecretSet));

        var bearer = await _host.Notifications.SendTestMessageAsync(new SendTestMessageRequest { Channel = ChannelKind.Webhook }, owner);
        Assert.Equal(MessageState.Delivered, bearer.Message.State);
        Assert.Equal("Bearer first-secret", Assert.Single(receiver.Received, r => r.IdempotencyKey == bearer.Message.MessageId).Authorization);

        await _host.SetWebhookAsync(_host.Demo, receiver.Url, WebhookAuth.HmacSha256, "signing-key");
        var signed = await _host.Notifications.SendTestMessageAsync(new SendTestMessageRequest { Channel = ChannelKind.Webhook, Recipient = "#pilot" }, owner);
        var request = Assert.Single(receiver.Received, r => r.IdempotencyKey == signed.Message.MessageId);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("signing-key"), request.RawBody)), request.Signature);
        Assert.Null(request.Authorization);
        Assert.Equal("#pilot", request.Body.GetProperty("pilotdeck").GetProperty("recipient").GetString());

        var receipts = await _host.ReceiptsAsync("demo", "notifications/channels/webhook");
        Assert.True(receipts.Count >= 3);
    }

    [Fact]
    public async Task Smtp_DeliversTestAndOutboxMessagesToARealSmtpServer()
    {
        await using var smtp = await SmtpReceiver.StartAsync();
        var owner = await _host.OwnerAsync(_host.Demo);
        var set = await _host.Notifications.SetSmtpChannelAsync(new SetSmtpChannelRequest
        {
            Smtp = new SmtpChannel { Host = "127.0.0.1", Port = smtp.Port, Tls = SmtpTls.None, FromAddress = "pilot@pilotdeck.example" },
        }, owner);
        Assert.Equal((smtp.Port, false), (set.Smtp.Port, set.Smtp.PasswordSet));

        var test = await _host.Notifications.SendTestMessageAsync(new SendTestMessageRequest { Channel = ChannelKind.Smtp, Recipient = "facilitator@example.org" }, owner);
        Assert.Equal((MessageState.Delivered, 1), (test.Message.State, test.Message.Attempts));
        var id = await _host.EnqueueAsync("demo", new(NotificationChannels.Smtp, "participant@example.org", "Thanks for the report", "It is fixed in 2.4.", "participants/p-1"));
        await _host.RunUntilAsync("demo", id, OutboxStates.Delivered);

        var mails = smtp.Messages();
        Assert.Contains(mails, m => m.Contains("Subject: Pilotdeck test message", StringComparison.Ordinal) && m.Contains("X-RcptTo: facilitator@example.org", StringComparison.Ordinal));
        var mail = Assert.Single(mails, m => m.Contains($"Message-Id: <{id}@pilotdeck>", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("From: pilot@pilotdeck.example", mail);
        Assert.Contains("It is fixed in 2.4.", mail);
    }

    [Fact]
    public async Task JsonRoute_ListsTheOutboxFilteredByState()
    {
        var id = await _host.EnqueueAsync("acme", new(NotificationChannels.Webhook, "", "Report link", "https://reports.example/1", "reports/daily"));
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", await _host.UserTokenAsync(_host.Acme.OwnerEmail, _host.Acme.OwnerPassword));

        var pending = await http.GetStringAsync(new Uri(_host.RestAddress, "/v1/notifications/messages?state=MESSAGE_STATE_PENDING&page_size=5"));
        var delivered = await http.GetStringAsync(new Uri(_host.RestAddress, "/v1/notifications/messages?state=MESSAGE_STATE_DELIVERED"));

        Assert.Contains(id, pending);
        Assert.DoesNotContain(id, delivered);
    }

    [Fact]
    public async Task ListMessages_PagesNewestFirst_WithoutRepeats_AndTokensBoundToTheFilter()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _host.EnqueueAsync("acme", new(NotificationChannels.Smtp, $"p{i}@example.org", $"Nudge {i}", "Please reply.", $"participants/p-{i}")));
        }

        var owner = await _host.OwnerAsync(_host.Acme);
        var seen = new List<string>();
        var request = new ListMessagesRequest { PageSize = 2, Channel = ChannelKind.Smtp };
        ListMessagesResponse page;
        do
        {
            page = await _host.Notifications.ListMessagesAsync(request, owner);
            Assert.True(page.Messages.Count <= 2);
            seen.AddRange(page.Messages.Select(m => m.MessageId));
            request.PageToken = page.NextPageToken;
        }
        while (page.NextPageToken.Length > 0);

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(Enumerable.Reverse(ids), seen.Where(ids.Contains));
        var crossed = await RefusedAsync(_host.Notifications.ListMessagesAsync(
            new ListMessagesRequest { PageSize = 2, Channel = ChannelKind.Webhook, PageToken = (await _host.Notifications.ListMessagesAsync(new ListMessagesRequest { PageSize = 2, Channel = ChannelKind.Smtp }, owner)).NextPageToken }, owner));
        Assert.Equal("PAGE_TOKEN_INVALID", ApiErrors.ReasonOf(crossed));
    }

    [Fact]
    public async Task Configuration_IsAdminOnly_ListingIsForFacilitators()
    {
        var email = $"facilitator-{Guid.NewGuid():N}@acme.test";
        await new IdentityService.IdentityServiceClient(_host.CreateChannel()).CreateMemberAsync(
            new CreateMemberRequest { Email = email, Role = TenantRole.Facilitator, InitialPassword = "Member-Password-123" }, await _host.OwnerAsync(_host.Acme));
        var facilitator = HostFixture.Bearer(await _host.UserTokenAsync(email, "Member-Password-123"));

        var denied = await RefusedAsync(_host.Notifications.SetWebhookChannelAsync(new SetWebhookChannelRequest { Webhook = new WebhookChannel { Url = "https://hooks.example/x" } }, facilitator));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await RefusedAsync(_host.Notifications.GetChannelsAsync(new GetChannelsRequest(), facilitator))).StatusCode);
        Assert.NotNull(await _host.Notifications.ListMessagesAsync(new ListMessagesRequest(), facilitator));
    }
}

public sealed class SqliteNotificationsApiTests(SqliteNotificationsHostFixture host) : NotificationsApiTests<SqliteNotificationsHostFixture>(host);

public sealed class PostgresNotificationsApiTests(PostgresNotificationsHostFixture host) : NotificationsApiTests<PostgresNotificationsHostFixture>(host);
