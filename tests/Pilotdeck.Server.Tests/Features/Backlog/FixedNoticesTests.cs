using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Backlog.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Features.Backlog;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Features.Notifications;
using Pilotdeck.Server.Tests.Features.Policy;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Features.Backlog;

/// <summary>
/// NotifyFixed (`pilotdeck followups --notify`) on the real host, per provider, delivering to a real
/// SMTP server and a real webhook: each participant of a shipped item is told once (email by SMTP,
/// others through the team's webhook), noted and receipted; a dry run and a second run send
/// nothing; the tenant's policy governs it.
/// </summary>
public abstract class FixedNoticesTests<TFixture> : IClassFixture<TFixture>
    where TFixture : NotificationsHostFixture
{
    private readonly TFixture _host;
    private readonly BacklogTestSupport _support;

    protected FixedNoticesTests(TFixture host)
    {
        _host = host;
        _support = new BacklogTestSupport(host);
    }

    [Fact]
    public async Task NotifyFixed_TellsEachReporterOnce_OnTheNudgeRoute_WithANoteAndAReceipt()
    {
        await using var smtp = await SmtpReceiver.StartAsync();
        await using var webhook = await WebhookReceiver.StartAsync();
        var owner = await _host.OwnerAsync(_host.Acme);
        await _host.SetChannelsAsync(_host.Acme, smtp, webhook);
        var slug = await _support.CohortAsync(owner);
        var mail = await _support.ParticipantAsync(owner, slug, new Participant { Alias = "Mia", Email = "mia@example.org", Channel = "email", Locale = "en" });
        var chat = await _support.ParticipantAsync(owner, slug, new Participant { Alias = "Lin", Channel = "wechat", Locale = "zh-CN" });
        var item = await _support.CreateAsync(owner, slug, "CSV export fails", [mail, chat]);
        var open = await _support.CreateAsync(owner, slug, "Not shipped yet", [mail]);
        await _support.ShipAsync(owner, item.ItemId, "2025.11.2");

        var dry = await _support.Backlog.NotifyFixedAsync(new NotifyFixedRequest { Cohort = slug, DryRun = true }, owner);
        Assert.Equal((true, 1), (dry.DryRun, dry.Items));
        Assert.Equal(new[] { (mail, "smtp"), (chat, "webhook") }, dry.Notices.Select(n => (n.ParticipantId, n.Channel)));
        Assert.All(dry.Notices, n => Assert.Equal("", n.MessageId));
        Assert.Empty(await OutboxAsync(item.ItemId));

        var sent = await _support.Backlog.NotifyFixedAsync(new NotifyFixedRequest { Cohort = slug, Release = "2025.11.2" }, owner);
        var again = await _support.Backlog.NotifyFixedAsync(new NotifyFixedRequest { Cohort = slug }, owner);

        Assert.Equal(2, sent.Notices.Count);
        Assert.All(sent.Notices, n => Assert.NotEqual("", n.MessageId));
        Assert.Empty(again.Notices);
        var messages = await OutboxAsync(item.ItemId);
        Assert.Equal(2, messages.Count);
        Assert.Empty(await OutboxAsync(open.ItemId));
        var toMia = messages.Single(m => m.Source == "participants/" + mail);
        var toTeam = messages.Single(m => m.Source == "participants/" + chat);
        Assert.Equal((NotificationChannels.Smtp, "mia@example.org", FixedNotices.DedupeKey(item.ItemId, mail)), (toMia.Channel, toMia.Recipient, toMia.DedupeKey));
        Assert.Contains("fixed in 2025.11.2", toMia.Body);
        Assert.Equal(NotificationChannels.Webhook, toTeam.Channel);
        Assert.Contains("2025.11.2 版本中修复", toTeam.Body);

        await _host.RunUntilAsync("acme", toMia.Id, OutboxStates.Delivered);
        await _host.RunUntilAsync("acme", toTeam.Id, OutboxStates.Delivered);
        Assert.Single(smtp.Messages(), m => m.Contains("X-RcptTo: mia@example.org", StringComparison.Ordinal));
        Assert.Single(webhook.Received, r => r.IdempotencyKey == toTeam.Id);

        var detail = await _support.Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = chat }, owner);
        Assert.Contains($"backlog item {item.ItemId} is fixed in 2025.11.2", detail.Notes.Single().Text);
        Assert.Single(await _host.ReceiptsAsync("acme", "participants/" + chat), r => r.Action == FixedNotices.Action);
        Assert.NotNull((await _support.Backlog.GetBacklogItemAsync(new GetBacklogItemRequest { ItemId = item.ItemId }, owner)).Item.AnnounceTime);
    }

    [Fact]
    public async Task NotifyFixed_IsGovernedByTheTenantsPolicy_AndADenialSendsNothing()
    {
        var policy = new PolicyTestSupport(_host);
        var owner = await _host.OwnerAsync(_host.Demo);
        var slug = await _support.CohortAsync(owner);
        var participant = await _support.ParticipantAsync(owner, slug);
        var item = await _support.CreateAsync(owner, slug, "Slow search", [participant]);
        await _support.ShipAsync(owner, item.ItemId, "v2.0.0");
        await policy.ApplyAsync(_host.Demo, """
            description: nobody announces fixes
            rules:
              - id: no-notices
                actions: [backlog.notify]
                effect: deny
                reason: the team announces fixes by hand
              - id: allow-the-rest
                effect: allow
                reason: everything else
            """);
        try
        {
            var denied = await Assert.ThrowsAsync<RpcException>(() => _support.Backlog.NotifyFixedAsync(new NotifyFixedRequest { Cohort = slug }, owner).ResponseAsync);
            Assert.Equal((StatusCode.PermissionDenied, "POLICY_DENIED"), (denied.StatusCode, ApiErrors.ReasonOf(denied)));
            Assert.Single((await _support.Backlog.NotifyFixedAsync(new NotifyFixedRequest { Cohort = slug, DryRun = true }, owner)).Notices);
        }
        finally
        {
            await policy.ApplyAsync(_host.Demo, "description: allow\nrules:\n  - id: allow-the-rest\n    effect: allow\n    reason: everything\n");
        }

        Assert.Empty(await OutboxAsync(item.ItemId, _host.Demo.TenantId));
        Assert.Single((await _support.Backlog.NotifyFixedAsync(new NotifyFixedRequest { Cohort = slug }, owner)).Notices);
    }

    private async Task<List<OutboxMessageRecord>> OutboxAsync(string itemId, string tenant = "acme")
    {
        await using var scope = _host.Services.CreateTenantScope(tenant);
        var prefix = $"fixed:{itemId}:";
        return await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().OutboxMessages.AsNoTracking().Where(m => m.DedupeKey!.StartsWith(prefix)).ToListAsync();
    }
}

public sealed class SqliteFixedNoticesTests(SqliteNotificationsHostFixture host) : FixedNoticesTests<SqliteNotificationsHostFixture>(host);

public sealed class PostgresFixedNoticesTests(PostgresNotificationsHostFixture host) : FixedNoticesTests<PostgresNotificationsHostFixture>(host);
