using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Sessions.V1;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Tests.Features.Sessions;

/// <summary>
/// UAT sessions on the real host, per provider: the offset a facilitator types is kept, scores and
/// dates are checked field by field, updates follow the mask, lists filter and page, and another
/// tenant's participants and sessions stay unknown.
/// </summary>
public abstract class SessionsApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : SessionsHostFixture
{
    private readonly TFixture _host;
    private readonly SessionsTestSupport _support;

    protected SessionsApiTests(TFixture host)
    {
        _host = host;
        _support = new SessionsTestSupport(host);
    }

    private SessionsService.SessionsServiceClient Sessions => _support.Sessions;

    [Fact]
    public async Task CreateSession_KeepsTheTypedOffset_NamesTheCallerAsFacilitator_AndLeavesAReceiptWithoutPersonalData()
    {
        var (caller, _, participantId) = await _support.ParticipantAsync(_host.Acme);
        var requestId = Guid.NewGuid().ToString();

        var created = await _support.CreateAsync(caller, participantId, "2025-11-10T13:00:00+08:00", requestId: requestId);
        var retried = await _support.CreateAsync(caller, participantId, "2025-11-10T13:00:00+08:00", requestId: requestId);

        Assert.Equal("2025-11-10T13:00:00+08:00", created.SessionDate);
        Assert.Equal(new DateTimeOffset(2025, 11, 10, 5, 0, 0, TimeSpan.Zero), created.SessionTime.ToDateTimeOffset());
        Assert.Equal(("user:" + _host.Acme.OwnerUserId, 4, 3), (created.Facilitator, created.Satisfaction, created.Trust));
        Assert.Equal(created.SessionId, retried.SessionId);
        var fetched = (await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = created.SessionId }, caller)).Session;
        Assert.Equal(created, fetched);

        var receipts = await _support.InDatabaseAsync(_host.Acme.TenantId, db => db.Receipts.Where(r => r.Subject == "sessions/" + created.SessionId).ToListAsync());
        var receipt = Assert.Single(receipts);
        Assert.NotNull(receipt.DecisionId);
        Assert.DoesNotContain("import slow", receipt.Subject + receipt.Action + receipt.Actor, StringComparison.Ordinal);
        Assert.Equal(1, await _support.InDatabaseAsync(_host.Acme.TenantId, db => db.Sessions.CountAsync(s => s.ParticipantId == participantId)));
    }

    [Fact]
    public async Task CreateSession_OutOfRangeScoresAndADateWithoutOffset_AreEachNamed_AndNothingIsStored()
    {
        var (caller, _, participantId) = await _support.ParticipantAsync(_host.Acme);

        var error = await Assert.ThrowsAsync<RpcException>(() => _support.CreateAsync(caller, participantId, "2025-11-10T13:00:00", satisfaction: 0, trust: 6));
        var tooHigh = await Assert.ThrowsAsync<RpcException>(() => _support.CreateAsync(caller, participantId, satisfaction: 6));

        Assert.Equal((StatusCode.InvalidArgument, "FIELD_INVALID"), (error.StatusCode, ApiErrors.ReasonOf(error)));
        Assert.Equal(["session.satisfaction", "session.session_date", "session.trust"], ApiErrors.MetadataOf(error)["fields"].Split(',').Order());
        Assert.Contains("has no UTC offset", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("2025-11-10T13:00:00+08:00", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("session.satisfaction", ApiErrors.MetadataOf(tooHigh)["fields"]);
        Assert.Empty((await Sessions.ListSessionsAsync(new ListSessionsRequest { ParticipantId = participantId }, caller)).Sessions);
    }

    [Fact]
    public async Task UpdateSession_ChangesOnlyMaskedFields_KeepsTheNewOffset_AndRefusesABadMask()
    {
        var (caller, _, participantId) = await _support.ParticipantAsync(_host.Acme);
        var session = await _support.CreateAsync(caller, participantId);

        var updated = (await Sessions.UpdateSessionAsync(new UpdateSessionRequest
        {
            Session = new Session { SessionId = session.SessionId, SessionDate = "2025-11-11T09:30:00-05:00", Trust = 5, Summary = "not in the mask" },
            UpdateMask = new FieldMask { Paths = { "session_date", "trust" } },
        }, caller)).Session;

        Assert.Equal(("2025-11-11T09:30:00-05:00", 5, 4, "Lin found the import slow"), (updated.SessionDate, updated.Trust, updated.Satisfaction, updated.Summary));
        Assert.Equal(updated, (await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = session.SessionId }, caller)).Session);
        var badMask = await Assert.ThrowsAsync<RpcException>(() => Sessions.UpdateSessionAsync(new UpdateSessionRequest
        {
            Session = new Session { SessionId = session.SessionId, Facilitator = "user:someone-else" }, UpdateMask = new FieldMask { Paths = { "facilitator" } },
        }, caller).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "UPDATE_MASK_INVALID"), (badMask.StatusCode, ApiErrors.ReasonOf(badMask)));
        var badScore = await Assert.ThrowsAsync<RpcException>(() => Sessions.UpdateSessionAsync(new UpdateSessionRequest
        {
            Session = new Session { SessionId = session.SessionId, Satisfaction = 0 }, UpdateMask = new FieldMask { Paths = { "satisfaction" } },
        }, caller).ResponseAsync);
        Assert.Equal("session.satisfaction", ApiErrors.MetadataOf(badScore)["fields"]);
        Assert.Equal(2, await _support.InDatabaseAsync(_host.Acme.TenantId, db => db.Receipts.CountAsync(r => r.Subject == "sessions/" + session.SessionId)));
    }

    [Fact]
    public async Task ListSessions_FiltersByParticipantAndCohort_LatestFirst_AndPagesWithTokensBoundToTheFilter()
    {
        var (caller, cohort, first) = await _support.ParticipantAsync(_host.Acme);
        var second = await _support.AddParticipantAsync(caller, cohort);
        var (_, _, elsewhere) = await _support.ParticipantAsync(_host.Acme);
        for (var day = 1; day <= 3; day++)
        {
            await _support.CreateAsync(caller, first, $"2025-11-0{day}T10:00:00+08:00");
        }

        await _support.CreateAsync(caller, second, "2025-11-02T12:00:00Z");
        await _support.CreateAsync(caller, elsewhere, "2025-11-05T10:00:00+08:00");

        var page1 = await Sessions.ListSessionsAsync(new ListSessionsRequest { Cohort = cohort, PageSize = 3 }, caller);
        var page2 = await Sessions.ListSessionsAsync(new ListSessionsRequest { Cohort = cohort, PageSize = 3, PageToken = page1.NextPageToken }, caller);
        Assert.Equal(["2025-11-03T10:00:00+08:00", "2025-11-02T12:00:00Z", "2025-11-02T10:00:00+08:00", "2025-11-01T10:00:00+08:00"],
            page1.Sessions.Concat(page2.Sessions).Select(s => s.SessionDate));
        Assert.Equal("", page2.NextPageToken);
        Assert.Equal(3, (await Sessions.ListSessionsAsync(new ListSessionsRequest { ParticipantId = first, Cohort = cohort }, caller)).Sessions.Count);
        Assert.All((await Sessions.ListSessionsAsync(new ListSessionsRequest { ParticipantId = second }, caller)).Sessions, s => Assert.Equal(second, s.ParticipantId));

        var reused = await Assert.ThrowsAsync<RpcException>(() => Sessions.ListSessionsAsync(new ListSessionsRequest { ParticipantId = first, PageToken = page1.NextPageToken }, caller).ResponseAsync);
        Assert.Equal("PAGE_TOKEN_INVALID", ApiErrors.ReasonOf(reused));
    }

    [Fact]
    public async Task AnotherTenantsParticipantsAndSessions_AreAsUnknownAsOnesThatNeverExisted()
    {
        var (acme, cohort, participantId) = await _support.ParticipantAsync(_host.Acme);
        var session = await _support.CreateAsync(acme, participantId);
        var demo = await _support.Policy.OwnerAsync(_host.Demo);

        var create = await Assert.ThrowsAsync<RpcException>(() => _support.CreateAsync(demo, participantId));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => _support.CreateAsync(demo, Guid.NewGuid().ToString()));
        Assert.Equal((StatusCode.NotFound, "PARTICIPANT_NOT_FOUND"), (create.StatusCode, ApiErrors.ReasonOf(create)));
        Assert.Equal((unknown.StatusCode, ApiErrors.ReasonOf(unknown)), (create.StatusCode, ApiErrors.ReasonOf(create)));
        var get = await Assert.ThrowsAsync<RpcException>(() => Sessions.GetSessionAsync(new GetSessionRequest { SessionId = session.SessionId }, demo).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "SESSION_NOT_FOUND"), (get.StatusCode, ApiErrors.ReasonOf(get)));
        var update = await Assert.ThrowsAsync<RpcException>(() => Sessions.UpdateSessionAsync(new UpdateSessionRequest
        {
            Session = new Session { SessionId = session.SessionId, Trust = 1 }, UpdateMask = new FieldMask { Paths = { "trust" } },
        }, demo).ResponseAsync);
        Assert.Equal("SESSION_NOT_FOUND", ApiErrors.ReasonOf(update));
        var list = await Assert.ThrowsAsync<RpcException>(() => Sessions.ListSessionsAsync(new ListSessionsRequest { Cohort = cohort }, demo).ResponseAsync);
        Assert.Equal("COHORT_NOT_FOUND", ApiErrors.ReasonOf(list));
        Assert.DoesNotContain((await Sessions.ListSessionsAsync(new ListSessionsRequest(), demo)).Sessions, s => s.SessionId == session.SessionId);
        Assert.Equal(3, (await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = session.SessionId }, acme)).Session.Trust);
    }
}

public sealed class SqliteSessionsApiTests(SqliteSessionsHostFixture host) : SessionsApiTests<SqliteSessionsHostFixture>(host);

public sealed class PostgresSessionsApiTests(PostgresSessionsHostFixture host) : SessionsApiTests<PostgresSessionsHostFixture>(host);
