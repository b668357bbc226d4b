using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Features.Cohorts.Followups;
using Pilotdeck.Server.Tests.Features.Notifications;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Features.Cohorts;

/// <summary>
/// The daily nudge job on the real host, per provider, delivering to a real SMTP server and a real
/// webhook: who is due gets one nudge (email by SMTP, other channels through the team's webhook),
/// noted, receipted and counted; a second run the same day queues nothing; planning cohorts,
/// replied and not-yet-due participants are left alone.
/// </summary>
public abstract class FollowupNudgesTests<TFixture> : IClassFixture<TFixture>
    where TFixture : NotificationsHostFixture
{
    private readonly TFixture _host;

    protected FollowupNudgesTests(TFixture host) => _host = host;

    private CohortsService.CohortsServiceClient Cohorts => new(_host.CreateChannel());

    [Fact]
    public async Task DailyRun_QueuesEachDueNudgeOnce_DeliversIt_AndNotesIt()
    {
        await using var smtp = await SmtpReceiver.StartAsync();
        await using var webhook = await WebhookReceiver.StartAsync();
        var owner = await _host.OwnerAsync(_host.Acme);
        await _host.SetChannelsAsync(_host.Acme, smtp, webhook);
        var running = await CohortAsync(owner, CohortState.Running);
        var planning = await CohortAsync(owner, CohortState.Planning);
        var mail = await AddAsync(owner, running, new Participant { Alias = "Mia", Email = "mia@example.org", Channel = "email", Locale = "en" });
        var chat = await AddAsync(owner, running, new Participant { Alias = "Lin", Channel = "wechat", Locale = "zh-CN" });
        var replied = await AddAsync(owner, running, new Participant { Alias = "Rex", Channel = "wechat", ReplyTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) });
        var fresh = await AddAsync(owner, running, new Participant { Alias = "New", Channel = "wechat" });
        var notYet = await AddAsync(owner, planning, new Participant { Alias = "Pat", Channel = "wechat" });
        await InvitedDaysAgoAsync(4, mail, chat, replied, notYet);

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.StartsWith("2 nudge(s) queued", first);
        Assert.StartsWith("0 nudge(s) queued", second);
        var messages = await OutboxAsync();
        Assert.Equal(new[] { "participants/" + chat, "participants/" + mail }.Order(), messages.Select(m => m.Source).Order());
        var toMia = messages.Single(m => m.Source == "participants/" + mail);
        var toTeam = messages.Single(m => m.Source == "participants/" + chat);
        Assert.Equal((NotificationChannels.Smtp, "mia@example.org", $"nudge:{mail}:1"), (toMia.Channel, toMia.Recipient, toMia.DedupeKey));
        Assert.Equal(NotificationChannels.Webhook, toTeam.Channel);
        Assert.Contains("Send them:", toTeam.Body);

        await _host.RunUntilAsync("acme", toMia.Id, OutboxStates.Delivered);
        await _host.RunUntilAsync("acme", toTeam.Id, OutboxStates.Delivered);
        Assert.Single(smtp.Messages(), m => m.Contains("X-RcptTo: mia@example.org", StringComparison.Ordinal));
        Assert.Single(webhook.Received, r => r.IdempotencyKey == toTeam.Id);

        var queue = await new Contracts.Cohorts.V1.FollowupsService.FollowupsServiceClient(_host.CreateChannel())
            .ListFollowupsAsync(new ListFollowupsRequest { Cohort = running, PageSize = 10 }, owner);
        var sent = queue.Followups.ToDictionary(f => f.Participant.ParticipantId, f => f.NudgesSent);
        Assert.Equal((1, 1, 0), (sent[mail], sent[chat], sent[fresh]));
        Assert.DoesNotContain(replied, sent.Keys);
        var detail = await Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = chat }, owner);
        Assert.Contains("Nudge 1 queued by the daily job", detail.Notes.Single().Text);
        Assert.NotNull(detail.Participant.LastContactTime);
        Assert.Single(await _host.ReceiptsAsync("acme", "participants/" + chat), r => r.Action == FollowupNudges.Action && r.Actor == "system:" + FollowupNudges.JobId);
    }

    private async Task<string> CohortAsync(Metadata owner, CohortState state)
    {
        var slug = "nu-" + Guid.NewGuid().ToString("N")[..8];
        await Cohorts.CreateCohortAsync(new CreateCohortRequest { Cohort = new Cohort { Slug = slug, Title = "Nudges", DefaultChannel = "wechat", DefaultLocale = "zh-CN" } }, owner);
        foreach (var next in new[] { CohortState.Recruiting, CohortState.Running }.Where(s => s <= state))
        {
            await Cohorts.UpdateCohortAsync(new UpdateCohortRequest { Cohort = new Cohort { Slug = slug, State = next }, UpdateMask = new FieldMask { Paths = { "state" } } }, owner);
        }

        return slug;
    }

    private async Task<string> AddAsync(Metadata owner, string slug, Participant participant)
    {
        var created = (await Cohorts.CreateParticipantAsync(new CreateParticipantRequest { Cohort = slug, Participant = participant }, owner)).Participant;
        if (participant.ReplyTime is { } replied)
        {
            await Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest
            {
                Participant = new Participant { ParticipantId = created.ParticipantId, ReplyTime = replied },
                UpdateMask = new FieldMask { Paths = { "reply_time" } },
            }, owner);
        }

        return created.ParticipantId;
    }

    /// <summary>Moves the invitation back in time, as if these participants had waited <paramref name="days"/> days.</summary>
    private async Task InvitedDaysAgoAsync(int days, params string[] ids)
    {
        await using var scope = _host.Services.CreateTenantScope("acme");
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var then = DateTimeOffset.UtcNow.AddDays(-days);
        await db.Participants.Where(p => ids.Contains(p.Id)).ExecuteUpdateAsync(s => s.SetProperty(p => p.CreatedAt, then));
    }

    private async Task<string> RunAsync()
    {
        await using var scope = _host.Services.CreateTenantScope("acme");
        return await scope.ServiceProvider.GetRequiredService<FollowupNudges>().RunAsync(CancellationToken.None);
    }

    private async Task<List<OutboxMessageRecord>> OutboxAsync()
    {
        await using var scope = _host.Services.CreateTenantScope("acme");
        return await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().OutboxMessages.AsNoTracking().Where(m => m.Source.StartsWith("participants/")).ToListAsync();
    }
}

public sealed class SqliteFollowupNudgesTests(SqliteNotificationsHostFixture host) : FollowupNudgesTests<SqliteNotificationsHostFixture>(host);

public sealed class PostgresFollowupNudgesTests(PostgresNotificationsHostFixture host) : FollowupNudgesTests<PostgresNotificationsHostFixture>(host);
