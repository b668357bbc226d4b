using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Features.Policy;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Cohorts;

/// <summary>The follow-up queue and templates on the real host, per provider.</summary>
public abstract class FollowupsApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : HostFixture
{
    private readonly TFixture _host;
    private readonly PolicyTestSupport _support;

    protected FollowupsApiTests(TFixture host)
    {
        _host = host;
        _support = new PolicyTestSupport(host);
    }

    private CohortsService.CohortsServiceClient Cohorts => new(_host.CreateChannel());

    private FollowupsService.FollowupsServiceClient Followups => new(_host.CreateChannel());

    [Fact]
    public async Task ListFollowups_LeavesOutWhoReplied_RanksVipAndMissingConsentFirst_AndSpeaksTheirLocale()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var slug = "fu-" + Guid.NewGuid().ToString("N")[..8];
        await Cohorts.CreateCohortAsync(new CreateCohortRequest { Cohort = new Cohort { Slug = slug, Title = "Fall pilot", DefaultChannel = "wechat", DefaultLocale = "zh-CN" } }, owner);
        async Task<Participant> Add(string alias, bool? consent, params string[] tags)
        {
            var participant = new Participant { Alias = alias, Tags = { tags } };
            if (consent is { } given)
            {
                participant.Consent = new Consent { Given = given };
            }

            return (await Cohorts.CreateParticipantAsync(new CreateParticipantRequest { Cohort = slug, Participant = participant }, owner)).Participant;
        }

        await Add("plain", true);
        await Add("vip", true, "vip");
        await Add("no-consent", null);
        var replied = await Add("replied", null, "vip");
        await Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest
        {
            Participant = new Participant { ParticipantId = replied.ParticipantId, ReplyTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
            UpdateMask = new FieldMask { Paths = { "reply_time" } },
        }, owner);

        var first = await Followups.ListFollowupsAsync(new ListFollowupsRequest { Cohort = slug, PageSize = 2 }, owner);
        var second = await Followups.ListFollowupsAsync(new ListFollowupsRequest { Cohort = slug, PageSize = 2, PageToken = first.NextPageToken }, owner);
        var all = first.Followups.Concat(second.Followups).ToList();
        Assert.Equal(["vip", "no-consent", "plain"], all.Select(f => f.Participant.Alias));
        Assert.Equal((3, 0), (first.TotalCount, first.DueCount));
        Assert.Equal([2, 4, 7], all[0].CadenceDays);
        Assert.Equal("zh-CN", all[0].Message.TemplateLocale);
        Assert.StartsWith("vip，您好！", all[0].Message.Body);
        Assert.Contains("Fall pilot", all[0].Message.Body);
    }

    [Fact]
    public async Task UpdateFollowupTemplate_ReplacesTheShippedOne_AndRefusesUnknownPlaceholders()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var bad = await Assert.ThrowsAsync<RpcException>(() => Followups.UpdateFollowupTemplateAsync(new UpdateFollowupTemplateRequest
        {
            Template = new FollowupTemplate { Kind = "nudge", Channel = "sms", Locale = "en", Subject = "x", Body = "Hi {name}" },
        }, owner).ResponseAsync);
        Assert.Equal("template.body", ApiErrors.MetadataOf(bad)["fields"]);

        var set = await Followups.UpdateFollowupTemplateAsync(new UpdateFollowupTemplateRequest
        {
            Template = new FollowupTemplate { Kind = "nudge", Channel = "sms", Locale = "EN", Subject = "{cohort_title}", Body = "Hi {alias}, text us back!" },
        }, owner);
        Assert.Equal(("en", true), (set.Template.Locale, set.Template.Customized));
        var templates = (await Followups.ListFollowupTemplatesAsync(new ListFollowupTemplatesRequest(), owner)).Templates;
        Assert.Contains(templates, t => t is { Channel: "sms", Locale: "en", Customized: true });
        Assert.Contains(templates, t => t is { Channel: "*", Locale: "zh-CN", Customized: false, Kind: "fixed" });
        var demo = (await Followups.ListFollowupTemplatesAsync(new ListFollowupTemplatesRequest(), await _support.OwnerAsync(_host.Demo))).Templates;
        Assert.DoesNotContain(demo, t => t.Channel == "sms");
    }
}

public sealed class SqliteFollowupsApiTests(SqliteHostFixture host) : FollowupsApiTests<SqliteHostFixture>(host);

public sealed class PostgresFollowupsApiTests(PostgresHostFixture host) : FollowupsApiTests<PostgresHostFixture>(host);
