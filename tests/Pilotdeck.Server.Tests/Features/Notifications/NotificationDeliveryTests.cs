using Grpc.Core;
using Pilotdeck.Contracts.Notifications.V1;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Notifications;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Features.Notifications;

/// <summary>
/// The outbox delivering to a real webhook receiver on loopback, per provider: retries with backoff,
/// dead letters and their retry through the API, no double sends from concurrent runs, nothing sent
/// from a rolled-back transaction, and receipts that carry ids, not personal data.
/// </summary>
public abstract class NotificationDeliveryTests<TFixture> : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : NotificationsHostFixture
{
    private readonly TFixture _host;
    private WebhookReceiver _receiver = null!;

    protected NotificationDeliveryTests(TFixture host) => _host = host;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        await _host.SetWebhookAsync(_host.Demo, _receiver.Url);
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static Notification Message(string subject, string? dedupeKey = null) =>
        new(NotificationChannels.Webhook, "@facilitator", subject, "Body of " + subject, "participants/" + Guid.NewGuid(), dedupeKey);

    private List<ReceivedWebhook> ReceivedFor(string id) => _receiver.Received.Where(r => r.IdempotencyKey == id).ToList();

    [Fact]
    public async Task FailingReceiver_IsRetriedAfterABackoff_ThenDeliveredOnce_WithAReceiptWithoutPersonalData()
    {
        _receiver.FailWith.Enqueue(500);
        _receiver.FailWith.Enqueue(503);
        var id = await _host.EnqueueAsync("demo", Message("Your blocker is fixed"));

        await _host.RunDeliveryAsync("demo");
        var afterFirst = (await _host.FindAsync("demo", id))!;
        Assert.Equal((OutboxStates.Pending, 1), (afterFirst.State, afterFirst.Attempts));
        Assert.Contains("500", afterFirst.LastError);
        Assert.True(afterFirst.NextAttemptAt > DateTimeOffset.UtcNow, "the next attempt waits for the backoff");
        await _host.RunDeliveryAsync("demo");
        Assert.Single(ReceivedFor(id));

        var delivered = await _host.RunUntilAsync("demo", id, OutboxStates.Delivered);
        Assert.Equal(3, delivered.Attempts);
        Assert.NotNull(delivered.DeliveredAt);
        await _host.RunDeliveryAsync("demo");
        var requests = ReceivedFor(id);
        Assert.Equal(3, requests.Count);
        Assert.Equal("Your blocker is fixed\n\nBody of Your blocker is fixed", requests[^1].Body.GetProperty("text").GetString());
        Assert.Equal(id, requests[^1].Body.GetProperty("pilotdeck").GetProperty("message_id").GetString());

        var receipt = Assert.Single(await _host.ReceiptsAsync("demo", "notifications/" + id));
        Assert.Equal(("notifications.delivered", "system:" + NotificationDelivery.JobId), (receipt.Action, receipt.Actor));
        Assert.DoesNotContain("facilitator", receipt.Subject + receipt.Action + receipt.Actor);
    }

    [Fact]
    public async Task ReceiverDown_DeadAfterMaxAttempts_ThenRetryThroughTheApiDeliversIt()
    {
        for (var i = 0; i < NotificationsHostFixture.MaxAttempts; i++)
        {
            _receiver.FailWith.Enqueue(500);
        }

        var id = await _host.EnqueueAsync("demo", Message("Nudge"));
        var dead = await _host.RunUntilAsync("demo", id, OutboxStates.Dead);
        Assert.Equal(NotificationsHostFixture.MaxAttempts, dead.Attempts);
        Assert.Equal(NotificationsHostFixture.MaxAttempts, ReceivedFor(id).Count);
        await _host.RunDeliveryAsync("demo");
        Assert.Equal(NotificationsHostFixture.MaxAttempts, ReceivedFor(id).Count);
        Assert.Contains(await _host.ReceiptsAsync("demo", "notifications/" + id), r => r.Action == "notifications.dead-lettered");

        var owner = await _host.OwnerAsync(_host.Demo);
        var listed = await _host.Notifications.ListMessagesAsync(new ListMessagesRequest { State = MessageState.Dead }, owner);
        var shown = Assert.Single(listed.Messages, m => m.MessageId == id);
        Assert.Contains("HTTP 500", shown.LastError);
        Assert.True(listed.DeadCount >= 1);

        var retried = await _host.Notifications.RetryMessageAsync(new RetryMessageRequest { MessageId = id }, owner);
        Assert.Equal((MessageState.Pending, 0), (retried.Message.State, retried.Message.Attempts));
        // The retry asked the job server for a run: no manual run here.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await _host.FindAsync("demo", id))!.State != OutboxStates.Delivered)
        {
            await Task.Delay(100, timeout.Token);
        }

        Assert.Equal(NotificationsHostFixture.MaxAttempts + 1, ReceivedFor(id).Count);
        var again = await Assert.ThrowsAsync<RpcException>(() => _host.Notifications.RetryMessageAsync(new RetryMessageRequest { MessageId = id }, owner).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "NOTIFICATION_NOT_DEAD", "delivered"), (again.StatusCode, ApiErrors.ReasonOf(again), ApiErrors.MetadataOf(again)["state"]));
    }

    [Fact]
    public async Task TheSchedule_RunsDeliveryForTenantsWithDueMessages_ThroughTheJobServer()
    {
        var id = await _host.EnqueueAsync("demo", Message("Daily report"));

        var runs = await _host.FireAndWaitAsync(NotificationDelivery.JobId);

        Assert.NotEmpty(runs);
        Assert.Equal(OutboxStates.Delivered, (await _host.FindAsync("demo", id))!.State);
        Assert.Single(ReceivedFor(id));
    }

    [Fact]
    public async Task ConcurrentRuns_SendEachMessageExactlyOnce()
    {
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add(await _host.EnqueueAsync("demo", Message($"Concurrent {i}")));
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => _host.RunDeliveryAsync("demo"))));

        foreach (var id in ids)
        {
            Assert.Equal(OutboxStates.Delivered, (await _host.FindAsync("demo", id))!.State);
            Assert.Single(ReceivedFor(id));
        }
    }

    [Fact]
    public async Task RolledBackEnqueue_IsNeverSent_AndADedupeKeyEnqueuesOnce()
    {
        var rolledBack = await _host.EnqueueAsync("demo", Message("Rolled back"), commit: false);
        var key = "fixed-message/" + Guid.NewGuid();
        var first = await _host.EnqueueAsync("demo", Message("Fixed", key));
        var second = await _host.EnqueueAsync("demo", Message("Fixed again", key));

        await _host.RunUntilAsync("demo", first, OutboxStates.Delivered);
        await _host.RunDeliveryAsync("demo");

        Assert.Null(await _host.FindAsync("demo", rolledBack));
        Assert.Empty(ReceivedFor(rolledBack));
        Assert.Equal(first, second);
        Assert.Single(ReceivedFor(first));
    }

    [Fact]
    public async Task ADedupeKeyTwiceInOneUnitOfWork_EnqueuesOnce()
    {
        var key = "fixed-message/" + Guid.NewGuid();
        var ids = await _host.EnqueueAllAsync("demo", [Message("Fixed", key), Message("Other"), Message("Fixed again", key)]);

        await _host.RunUntilAsync("demo", ids[0], OutboxStates.Delivered);
        Assert.Equal(ids[0], ids[2]);
        Assert.NotEqual(ids[0], ids[1]);
        Assert.Equal("Fixed", (await _host.FindAsync("demo", ids[0]))!.Subject);
    }

    [Fact]
    public async Task AnotherTenant_CannotSeeRetryOrDeliverTheMessage()
    {
        var acmeReceiver = await WebhookReceiver.StartAsync();
        await using var _ = acmeReceiver;
        await _host.SetWebhookAsync(_host.Acme, acmeReceiver.Url);
        for (var i = 0; i < NotificationsHostFixture.MaxAttempts; i++)
        {
            acmeReceiver.FailWith.Enqueue(500);
        }

        var acmeId = await _host.EnqueueAsync("acme", Message("Acme only"));
        await _host.RunUntilAsync("acme", acmeId, OutboxStates.Dead);
        await _host.RunDeliveryAsync("demo");
        Assert.Empty(ReceivedFor(acmeId));

        var demoOwner = await _host.OwnerAsync(_host.Demo);
        var listed = await _host.Notifications.ListMessagesAsync(new ListMessagesRequest { PageSize = 200 }, demoOwner);
        Assert.DoesNotContain(listed.Messages, m => m.MessageId == acmeId);
        var crossed = await Assert.ThrowsAsync<RpcException>(() => _host.Notifications.RetryMessageAsync(new RetryMessageRequest { MessageId = acmeId }, demoOwner).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => _host.Notifications.RetryMessageAsync(new RetryMessageRequest { MessageId = "0123456789abcdef0123456789abcdef" }, demoOwner).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "NOTIFICATION_NOT_FOUND"), (crossed.StatusCode, ApiErrors.ReasonOf(crossed)));
        Assert.Equal(unknown.Status.Detail.Replace("0123456789abcdef0123456789abcdef", acmeId, StringComparison.Ordinal), crossed.Status.Detail);
        Assert.Equal(OutboxStates.Dead, (await _host.FindAsync("acme", acmeId))!.State);
    }
}

public sealed class SqliteNotificationDeliveryTests(SqliteNotificationsHostFixture host) : NotificationDeliveryTests<SqliteNotificationsHostFixture>(host);

public sealed class PostgresNotificationDeliveryTests(PostgresNotificationsHostFixture host) : NotificationDeliveryTests<PostgresNotificationsHostFixture>(host);
