using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Features.Policy;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Cohorts;

/// <summary>
/// Cohorts and participants on the real host, per provider: defaults and normalisation, the status
/// lifecycle, filters and paging, field-mask updates with notes and history, the CSV export, and
/// tenants that never see each other's people.
/// </summary>
public abstract class CohortsApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : HostFixture
{
    private readonly TFixture _host;
    private readonly PolicyTestSupport _support;

    protected CohortsApiTests(TFixture host)
    {
        _host = host;
        _support = new PolicyTestSupport(host);
    }

    private CohortsService.CohortsServiceClient Cohorts => new(_host.CreateChannel());

    private async Task<(Metadata Caller, string Slug)> CohortAsync(TenantUnderTest tenant, string channel = "wechat", string locale = "zh-CN")
    {
        var caller = await _support.OwnerAsync(tenant);
        var slug = "c-" + Guid.NewGuid().ToString("N")[..10];
        await Cohorts.CreateCohortAsync(new CreateCohortRequest
        {
            Cohort = new Cohort { Slug = slug, Title = "Fall 2025", StartDate = "2025-09-01", EndDate = "2025-12-15", TargetSize = 40, DefaultChannel = channel, DefaultLocale = locale },
        }, caller);
        return (caller, slug);
    }

    private async Task<Participant> AddAsync(Metadata caller, string slug, Participant participant, string note = "") =>
        (await Cohorts.CreateParticipantAsync(new CreateParticipantRequest { Cohort = slug, Participant = participant, Note = note }, caller)).Participant;

    [Fact]
    public async Task CreateParticipant_TakesTheCohortsDefaults_NormalisesFields_AndLeavesAReceiptWithoutPersonalData()
    {
        var (caller, slug) = await CohortAsync(_host.Acme);

        var created = await AddAsync(caller, slug, new Participant { Alias = "Lin", Email = "Lin@Example.com", Phone = "138 0013 8000", Tags = { "VIP", "vip", "early" } }, "met at the meetup");

        Assert.Equal(("wechat", "zh-CN", "+8613800138000", ParticipantStatus.Invited), (created.Channel, created.Locale, created.Phone, created.Status));
        Assert.Equal(["vip", "early"], created.Tags);
        var detail = await Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = created.ParticipantId }, caller);
        Assert.Equal((ParticipantStatus.Unspecified, ParticipantStatus.Invited), (detail.StatusHistory.Single().FromStatus, detail.StatusHistory.Single().ToStatus));
        Assert.Equal("met at the meetup", detail.Notes.Single().Text);
        Assert.Equal([ParticipantStatus.Scheduled, ParticipantStatus.Dropped], detail.NextStatuses);

        await using var scope = _host.Services.CreateTenantScope(_host.Acme.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var receipt = await db.Receipts.SingleAsync(r => r.Subject == "participants/" + created.ParticipantId);
        Assert.NotNull(receipt.DecisionId);
        Assert.DoesNotContain("example.com", receipt.Subject + receipt.Action + receipt.Actor, StringComparison.OrdinalIgnoreCase);
        var cohort = (await Cohorts.GetCohortAsync(new GetCohortRequest { Slug = slug }, caller)).Cohort;
        Assert.Equal(1, cohort.StatusCounts.Single(c => c.Status == ParticipantStatus.Invited).Count);
        Assert.Equal(5, cohort.StatusCounts.Count);
    }

    [Fact]
    public async Task CreateParticipant_BadFields_AreEachNamed_AndNothingIsStored()
    {
        var (caller, slug) = await CohortAsync(_host.Acme, locale: "");

        var error = await Assert.ThrowsAsync<RpcException>(() => AddAsync(caller, slug, new Participant
        {
            Email = "not-an-email", Phone = "12345", Locale = "english please", Status = (ParticipantStatus)42, Tags = { "has space" },
        }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = ApiErrors.MetadataOf(error)["fields"].Split(',');
        Assert.Equal(["participant.email", "participant.locale", "participant.phone", "participant.status", "participant.tags"], fields.Order());
        var listed = await Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug }, caller);
        Assert.Empty(listed.Participants);
    }

    [Fact]
    public async Task StatusLifecycle_RefusesSkipsAndMovesOutOfFinalStates_NamingWhatIsAllowed()
    {
        var (caller, slug) = await CohortAsync(_host.Acme);
        var participant = await AddAsync(caller, slug, new Participant { Email = $"p-{Guid.NewGuid():N}@example.com" });

        var skip = await Assert.ThrowsAsync<RpcException>(() => SetStatusAsync(caller, participant.ParticipantId, ParticipantStatus.Active));
        Assert.Equal((StatusCode.FailedPrecondition, "TRANSITION_NOT_ALLOWED"), (skip.StatusCode, ApiErrors.ReasonOf(skip)));
        Assert.Equal("scheduled,dropped", ApiErrors.MetadataOf(skip)["allowed"]);

        foreach (var status in new[] { ParticipantStatus.Scheduled, ParticipantStatus.Active, ParticipantStatus.Completed })
        {
            await SetStatusAsync(caller, participant.ParticipantId, status);
        }

        var afterFinal = await Assert.ThrowsAsync<RpcException>(() => SetStatusAsync(caller, participant.ParticipantId, ParticipantStatus.Dropped));
        Assert.Equal("", ApiErrors.MetadataOf(afterFinal)["allowed"]);
        var history = (await Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = participant.ParticipantId }, caller)).StatusHistory;
        Assert.Equal([ParticipantStatus.Invited, ParticipantStatus.Scheduled, ParticipantStatus.Active, ParticipantStatus.Completed], history.Select(h => h.ToStatus));
        Assert.All(history, h => Assert.Equal("user:" + _host.Acme.OwnerUserId, h.Actor));
    }

    [Fact]
    public async Task UpdateParticipant_ChangesOnlyMaskedFields_AppendsNotes_AndRefusesAnEmailAnotherParticipantHas()
    {
        var (caller, slug) = await CohortAsync(_host.Acme);
        var taken = await AddAsync(caller, slug, new Participant { Email = $"taken-{Guid.NewGuid():N}@example.com" });
        var participant = await AddAsync(caller, slug, new Participant { Alias = "Mei", Email = $"mei-{Guid.NewGuid():N}@example.com", Source = "referral" });

        var updated = (await Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest
        {
            Participant = new Participant { ParticipantId = participant.ParticipantId, Source = "ignored", Tags = { "wechat", "vip" }, Consent = new Consent { Given = true, Method = "signed form" } },
            UpdateMask = new FieldMask { Paths = { "tags", "consent" } },
            Note = "replied on WeChat",
        }, caller)).Participant;

        Assert.Equal(("referral", true, "signed form"), (updated.Source, updated.Consent.Given, updated.Consent.Method));
        Assert.NotNull(updated.Consent.RecordTime);
        Assert.Equal(["wechat", "vip"], updated.Tags);
        await Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest { Participant = new Participant { ParticipantId = participant.ParticipantId }, Note = "second nudge" }, caller);
        var notes = (await Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = participant.ParticipantId }, caller)).Notes;
        Assert.Equal(["replied on WeChat", "second nudge"], notes.Select(n => n.Text));

        var clash = await Assert.ThrowsAsync<RpcException>(() => Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest
        {
            Participant = new Participant { ParticipantId = participant.ParticipantId, Email = taken.Email.ToUpperInvariant() },
            UpdateMask = new FieldMask { Paths = { "email" } },
        }, caller).ResponseAsync);
        Assert.Equal((StatusCode.AlreadyExists, taken.ParticipantId), (clash.StatusCode, ApiErrors.MetadataOf(clash)["participant_id"]));

        var badMask = await Assert.ThrowsAsync<RpcException>(() => Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest
        {
            Participant = new Participant { ParticipantId = participant.ParticipantId }, UpdateMask = new FieldMask { Paths = { "cohort" } },
        }, caller).ResponseAsync);
        Assert.Equal("UPDATE_MASK_INVALID", ApiErrors.ReasonOf(badMask));
    }

    [Fact]
    public async Task ListParticipants_FiltersByStatusTagConsentAndText_AndPagesWithTokensBoundToTheFilter()
    {
        var (caller, slug) = await CohortAsync(_host.Acme);
        for (var i = 0; i < 5; i++)
        {
            await AddAsync(caller, slug, new Participant { Alias = $"vip-{i}", Email = $"vip{i}-{Guid.NewGuid():N}@example.com", Tags = { "vip" }, Consent = new Consent { Given = i % 2 == 0 } });
        }

        var plain = await AddAsync(caller, slug, new Participant { Alias = "Zhang Wei", Email = $"zw-{Guid.NewGuid():N}@example.com" });
        await SetStatusAsync(caller, plain.ParticipantId, ParticipantStatus.Scheduled);

        var first = await Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug, Tag = "VIP", PageSize = 2 }, caller);
        var second = await Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug, Tag = "VIP", PageSize = 2, PageToken = first.NextPageToken }, caller);
        var third = await Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug, Tag = "VIP", PageSize = 2, PageToken = second.NextPageToken }, caller);
        Assert.Equal(["vip-0", "vip-1", "vip-2", "vip-3", "vip-4"], first.Participants.Concat(second.Participants).Concat(third.Participants).Select(p => p.Alias));
        Assert.Equal("", third.NextPageToken);

        Assert.Equal(3, (await Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug, Consent = "given" }, caller)).Participants.Count);
        Assert.Single((await Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug, Consent = "unknown" }, caller)).Participants);
        Assert.Equal("Zhang Wei", (await Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug, Statuses = { ParticipantStatus.Scheduled } }, caller)).Participants.Single().Alias);
        Assert.Equal("Zhang Wei", (await Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug, Text = "zhang" }, caller)).Participants.Single().Alias);

        var reused = await Assert.ThrowsAsync<RpcException>(() => Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug, Tag = "early", PageToken = first.NextPageToken }, caller).ResponseAsync);
        Assert.Equal("PAGE_TOKEN_INVALID", ApiErrors.ReasonOf(reused));
    }

    [Fact]
    public async Task AnotherTenantsCohortAndParticipant_AreAsUnknownAsOnesThatNeverExisted()
    {
        var (acme, slug) = await CohortAsync(_host.Acme);
        var participant = await AddAsync(acme, slug, new Participant { Email = $"secret-{Guid.NewGuid():N}@acme.test" });
        var demo = await _support.OwnerAsync(_host.Demo);

        var get = await Assert.ThrowsAsync<RpcException>(() => Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = participant.ParticipantId }, demo).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = Guid.NewGuid().ToString() }, demo).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "PARTICIPANT_NOT_FOUND"), (get.StatusCode, ApiErrors.ReasonOf(get)));
        Assert.Equal((unknown.StatusCode, ApiErrors.ReasonOf(unknown)), (get.StatusCode, ApiErrors.ReasonOf(get)));
        var update = await Assert.ThrowsAsync<RpcException>(() => SetStatusAsync(demo, participant.ParticipantId, ParticipantStatus.Dropped));
        Assert.Equal("PARTICIPANT_NOT_FOUND", ApiErrors.ReasonOf(update));
        var list = await Assert.ThrowsAsync<RpcException>(() => Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug }, demo).ResponseAsync);
        Assert.Equal("COHORT_NOT_FOUND", ApiErrors.ReasonOf(list));
        Assert.DoesNotContain((await Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Text = "secret-" }, demo)).Participants, p => p.ParticipantId == participant.ParticipantId);
        Assert.Equal(ParticipantStatus.Invited, (await Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = participant.ParticipantId }, acme)).Participant.Status);
    }

    [Fact]
    public async Task ExportParticipants_WritesSpreadsheetSafeCsv_AndLeavesAReceipt()
    {
        var (caller, slug) = await CohortAsync(_host.Acme);
        await AddAsync(caller, slug, new Participant { Alias = "=HYPERLINK(\"http://evil.test\")", Email = $"x-{Guid.NewGuid():N}@example.com", Phone = "+8613800138000", Tags = { "vip", "wechat" } });
        await AddAsync(caller, slug, new Participant { Alias = "Plain, with comma", Email = $"y-{Guid.NewGuid():N}@example.com" });

        var lines = await ExportLinesAsync(caller, new ExportParticipantsRequest { Cohort = slug });
        Assert.StartsWith("participant_id,alias,email,phone,locale,status,source,channel,tags,consent", lines[0]);
        Assert.Equal(3, lines.Count);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil.test\"\")\",", lines[1]);
        Assert.Contains(",+8613800138000,zh-CN,invited,,wechat,vip|wechat,", lines[1]);
        Assert.Contains(",\"Plain, with comma\",", lines[2]);
        Assert.Equal([lines[0]], await ExportLinesAsync(caller, new ExportParticipantsRequest { Cohort = slug, Statuses = { ParticipantStatus.Completed } }));

        await using var scope = _host.Services.CreateTenantScope(_host.Acme.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        Assert.True(await db.Receipts.AnyAsync(r => r.Subject == "cohorts/" + slug && r.Action.EndsWith("/ExportParticipants")));
    }

    [Fact]
    public async Task CohortState_MovesOnlyForward_AndDuplicateSlugsAreRefused()
    {
        var (caller, slug) = await CohortAsync(_host.Acme);
        var running = await Cohorts.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort { Slug = slug, State = CohortState.Running, Title = "Fall 2025 (running)" },
            UpdateMask = new FieldMask { Paths = { "state", "title" } },
        }, caller);
        Assert.Equal((CohortState.Running, "Fall 2025 (running)", "2025-09-01"), (running.Cohort.State, running.Cohort.Title, running.Cohort.StartDate));

        var back = await Assert.ThrowsAsync<RpcException>(() => Cohorts.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort { Slug = slug, State = CohortState.Planning }, UpdateMask = new FieldMask { Paths = { "state" } },
        }, caller).ResponseAsync);
        Assert.Equal(("TRANSITION_NOT_ALLOWED", "closed"), (ApiErrors.ReasonOf(back), ApiErrors.MetadataOf(back)["allowed"]));

        var again = await Assert.ThrowsAsync<RpcException>(() => Cohorts.CreateCohortAsync(new CreateCohortRequest { Cohort = new Cohort { Slug = slug, Title = "again" } }, caller).ResponseAsync);
        Assert.Equal((StatusCode.AlreadyExists, "COHORT_EXISTS"), (again.StatusCode, ApiErrors.ReasonOf(again)));
        var badDates = await Assert.ThrowsAsync<RpcException>(() => Cohorts.CreateCohortAsync(new CreateCohortRequest
        {
            Cohort = new Cohort { Slug = "Bad Slug", Title = "x", StartDate = "2025-12-01", EndDate = "2025-11-01" },
        }, caller).ResponseAsync);
        Assert.Equal(["cohort.end_date", "cohort.slug"], ApiErrors.MetadataOf(badDates)["fields"].Split(',').Order());
    }

    [Fact]
    public async Task AViewer_ReadsTheRoster_ButCannotChangeIt()
    {
        var (owner, slug) = await CohortAsync(_host.Acme);
        var participant = await AddAsync(owner, slug, new Participant { Email = $"v-{Guid.NewGuid():N}@example.com" });
        var (viewer, _) = await _support.MemberAsync(_host.Acme, TenantRole.Viewer);

        Assert.Single((await Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug }, viewer)).Participants);
        var denied = await Assert.ThrowsAsync<RpcException>(() => SetStatusAsync(viewer, participant.ParticipantId, ParticipantStatus.Scheduled));
        Assert.Equal((StatusCode.PermissionDenied, "ROLE_INSUFFICIENT"), (denied.StatusCode, ApiErrors.ReasonOf(denied)));
    }

    private async Task<List<string>> ExportLinesAsync(Metadata caller, ExportParticipantsRequest request)
    {
        var csv = new StringBuilder();
        using var call = Cohorts.ExportParticipants(request, caller);
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            csv.Append(chunk.CsvChunk.ToStringUtf8());
        }

        return [.. csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
    }

    private Task<UpdateParticipantResponse> SetStatusAsync(Metadata caller, string participantId, ParticipantStatus status) =>
        Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest
        {
            Participant = new Participant { ParticipantId = participantId, Status = status },
            UpdateMask = new FieldMask { Paths = { "status" } },
        }, caller).ResponseAsync;
}

public sealed class SqliteCohortsApiTests(SqliteHostFixture host) : CohortsApiTests<SqliteHostFixture>(host);

public sealed class PostgresCohortsApiTests(PostgresHostFixture host) : CohortsApiTests<PostgresHostFixture>(host);
