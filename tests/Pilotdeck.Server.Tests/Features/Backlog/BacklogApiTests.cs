using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Backlog.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Features.Notifications;

namespace Pilotdeck.Server.Tests.Features.Backlog;

/// <summary>
/// The backlog on the real host, per provider: items through the one-step lifecycle with receipts,
/// the changelog shipping writes, validation with field violations, blockers promoted into items
/// (and merged into them on a second run), duplicates merged, and tenants that never see each other.
/// </summary>
public abstract class BacklogApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : NotificationsHostFixture
{
    private readonly TFixture _host;
    private readonly BacklogTestSupport _support;

    protected BacklogApiTests(TFixture host)
    {
        _host = host;
        _support = new BacklogTestSupport(host);
    }

    private BacklogService.BacklogServiceClient Backlog => _support.Backlog;

    [Fact]
    public async Task Item_MovesOneStepAtATime_AndShippingWritesTheChangelogWithItsParticipants()
    {
        var owner = await _host.OwnerAsync(_host.Acme);
        var slug = await _support.CohortAsync(owner);
        var mia = await _support.ParticipantAsync(owner, slug);
        var lin = await _support.ParticipantAsync(owner, slug);
        var linFeedback = await _support.FeedbackAsync(owner, lin, "Export is slow");
        var created = await _support.CreateAsync(owner, slug, "Export is slow", [mia], [linFeedback]);
        Assert.Equal((BacklogItemState.Open, slug), (created.State, created.Cohort));
        Assert.Equal([mia, lin], created.ParticipantIds);
        Assert.Equal([linFeedback], created.FeedbackIds);

        var skip = await Assert.ThrowsAsync<RpcException>(() => _support.UpdateAsync(owner, new BacklogItem { ItemId = created.ItemId, State = BacklogItemState.Fixed }, "state"));
        Assert.Equal((StatusCode.FailedPrecondition, "TRANSITION_NOT_ALLOWED", "planned"), (skip.StatusCode, ApiErrors.ReasonOf(skip), ApiErrors.MetadataOf(skip)["allowed"]));
        await _support.UpdateAsync(owner, new BacklogItem { ItemId = created.ItemId, State = BacklogItemState.Planned, Owner = _host.Acme.OwnerUserId }, "state", "owner");
        await _support.UpdateAsync(owner, new BacklogItem { ItemId = created.ItemId, State = BacklogItemState.Fixed }, "state");
        var noRelease = await Assert.ThrowsAsync<RpcException>(() => _support.UpdateAsync(owner, new BacklogItem { ItemId = created.ItemId, State = BacklogItemState.Shipped }, "state"));
        Assert.Equal(["item.target_release"], BacklogTestSupport.Violations(noRelease));

        var shipped = await _support.UpdateAsync(owner, new BacklogItem { ItemId = created.ItemId, State = BacklogItemState.Shipped, TargetRelease = "2025.11.2" }, "state", "target_release");
        Assert.Equal((BacklogItemState.Shipped, _host.Acme.OwnerUserId), (shipped.State, shipped.Owner));
        Assert.NotNull(shipped.ShipTime);
        var back = await Assert.ThrowsAsync<RpcException>(() => _support.UpdateAsync(owner, new BacklogItem { ItemId = created.ItemId, State = BacklogItemState.Open }, "state"));
        Assert.Equal("TRANSITION_NOT_ALLOWED", ApiErrors.ReasonOf(back));

        var changelog = await Backlog.GetChangelogAsync(new GetChangelogRequest { Release = "2025.11.2", Cohort = slug }, owner);
        var entry = Assert.Single(changelog.Entries);
        Assert.Equal((created.ItemId, "Export is slow", slug), (entry.ItemId, entry.Title, entry.Cohort));
        Assert.Equal([mia, lin], entry.ParticipantIds);
        Assert.Equal(4, (await _host.ReceiptsAsync("acme", "backlog/" + created.ItemId)).Count);

        var listed = await Backlog.ListBacklogItemsAsync(new ListBacklogItemsRequest { Cohort = slug, States = { BacklogItemState.Shipped }, TargetRelease = "2025.11.2", Owner = _host.Acme.OwnerUserId }, owner);
        Assert.Equal([created.ItemId], listed.Items.Select(i => i.ItemId));
        Assert.Empty((await Backlog.ListBacklogItemsAsync(new ListBacklogItemsRequest { Cohort = slug, States = { BacklogItemState.Open } }, owner)).Items);
    }

    [Fact]
    public async Task BadInput_EveryFieldIsNamed_AndNothingIsStored()
    {
        var owner = await _host.OwnerAsync(_host.Acme);
        var slug = await _support.CohortAsync(owner);
        var item = new BacklogItem { Cohort = slug, Title = " ", TargetRelease = "1 0", Owner = "nobody", ParticipantIds = { Guid.NewGuid().ToString() }, FeedbackIds = { "x" } };
        var invalid = await Assert.ThrowsAsync<RpcException>(() => Backlog.CreateBacklogItemAsync(new CreateBacklogItemRequest { Item = item }, owner).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Equal(["item.feedback_ids[0]", "item.owner", "item.participant_ids[0]", "item.target_release", "item.title"], BacklogTestSupport.Violations(invalid).Order());
        Assert.Empty((await Backlog.ListBacklogItemsAsync(new ListBacklogItemsRequest { Cohort = slug }, owner)).Items);

        var unknownCohort = await Assert.ThrowsAsync<RpcException>(() => _support.CreateAsync(owner, "no-such-cohort", "x"));
        Assert.Equal("COHORT_NOT_FOUND", ApiErrors.ReasonOf(unknownCohort));
        var created = await _support.CreateAsync(owner, slug, "Dark mode");
        var mask = await Assert.ThrowsAsync<RpcException>(() => _support.UpdateAsync(owner, new BacklogItem { ItemId = created.ItemId }, "cohort"));
        Assert.Equal("UPDATE_MASK_INVALID", ApiErrors.ReasonOf(mask));
        var missing = await Assert.ThrowsAsync<RpcException>(() => Backlog.GetBacklogItemAsync(new GetBacklogItemRequest { ItemId = Guid.NewGuid().ToString() }, owner).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "BACKLOG_ITEM_NOT_FOUND"), (missing.StatusCode, ApiErrors.ReasonOf(missing)));
        var release = await Assert.ThrowsAsync<RpcException>(() => Backlog.GetChangelogAsync(new GetChangelogRequest { Release = "" }, owner).ResponseAsync);
        Assert.Equal(["release"], BacklogTestSupport.Violations(release));
    }

    [Fact]
    public async Task PromoteBlockers_MakesOneItemPerGroup_LinkingEveryReport_AndARerunAddsToIt()
    {
        var owner = await _host.OwnerAsync(_host.Acme);
        var slug = await _support.CohortAsync(owner);
        var people = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            people.Add(await _support.ParticipantAsync(owner, slug));
        }

        var f0 = await _support.FeedbackAsync(owner, people[0], "CSV export fails", "No dark mode");
        var f1 = await _support.FeedbackAsync(owner, people[1], "Export to CSV fails!");
        var f2 = await _support.FeedbackAsync(owner, people[2], "CSV exporrt fails");

        var first = await Backlog.PromoteBlockersAsync(new PromoteBlockersRequest { Cohort = slug }, owner);
        Assert.Equal((2, 0), (first.Created, first.Updated));
        var csv = first.Items[0];
        Assert.Equal(("CSV export fails", "csv export fail"), (csv.Title, csv.BlockerKey));
        Assert.Equal(people.Take(3).Order(), csv.ParticipantIds.Order());
        Assert.Equal(new[] { f0, f1, f2 }.Order(), csv.FeedbackIds.Order());
        Assert.Equal([people[0]], first.Items[1].ParticipantIds);

        var f3 = await _support.FeedbackAsync(owner, people[3], "csv export FAILS");
        var again = await Backlog.PromoteBlockersAsync(new PromoteBlockersRequest { Cohort = slug }, owner);
        Assert.Equal((0, 1), (again.Created, again.Updated));
        Assert.Equal(csv.ItemId, again.Items[0].ItemId);
        Assert.Equal(people.Order(), again.Items[0].ParticipantIds.Order());
        Assert.Contains(f3, again.Items[0].FeedbackIds);
        Assert.Equal(2, (await Backlog.ListBacklogItemsAsync(new ListBacklogItemsRequest { Cohort = slug }, owner)).Items.Count);
        var unchanged = await Backlog.PromoteBlockersAsync(new PromoteBlockersRequest { Cohort = slug }, owner);
        Assert.Equal((0, 0), (unchanged.Created, unchanged.Updated));
    }

    [Fact]
    public async Task PromoteBlockers_RacedFourTimes_MakesOneItemPerGroup_AndALoserIsAbortedCleanly()
    {
        var owner = await _host.OwnerAsync(_host.Acme);
        var slug = await _support.CohortAsync(owner);
        await _support.FeedbackAsync(owner, await _support.ParticipantAsync(owner, slug), "Sync drops edits", "Login loops");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            try
            {
                return (await Backlog.PromoteBlockersAsync(new PromoteBlockersRequest { Cohort = slug }, owner)).Created.ToString();
            }
            catch (RpcException ex)
            {
                return ex.StatusCode + ":" + ApiErrors.ReasonOf(ex);
            }
        })));

        // Whoever lost the race on the item's unique key is told to retry, never an opaque UNKNOWN.
        Assert.All(outcomes, o => Assert.Contains(o, new[] { "0", "1", "2", "Aborted:CONCURRENT_UPDATE" }));
        Assert.Equal(2, outcomes.Where(o => o != "Aborted:CONCURRENT_UPDATE").Sum(int.Parse));
        Assert.Equal(2, (await Backlog.ListBacklogItemsAsync(new ListBacklogItemsRequest { Cohort = slug }, owner)).Items.Count);
    }

    [Fact]
    public async Task Merge_UnionsTheLinks_MarksTheDuplicate_AndPromotionFollowsIt()
    {
        var owner = await _host.OwnerAsync(_host.Acme);
        var slug = await _support.CohortAsync(owner);
        var a = await _support.ParticipantAsync(owner, slug);
        var b = await _support.ParticipantAsync(owner, slug);
        await _support.FeedbackAsync(owner, b, "Login loops");
        var promoted = (await Backlog.PromoteBlockersAsync(new PromoteBlockersRequest { Cohort = slug }, owner)).Items.Single();
        var survivor = await _support.CreateAsync(owner, slug, "Sign-in is broken", [a]);

        var merged = (await Backlog.MergeBacklogItemsAsync(new MergeBacklogItemsRequest { SurvivorId = survivor.ItemId, DuplicateIds = { promoted.ItemId } }, owner)).Item;
        Assert.Equal(new[] { a, b }.Order(), merged.ParticipantIds.Order());
        Assert.Equal(promoted.FeedbackIds, merged.FeedbackIds);
        var duplicate = (await Backlog.GetBacklogItemAsync(new GetBacklogItemRequest { ItemId = promoted.ItemId }, owner)).Item;
        Assert.Equal(survivor.ItemId, duplicate.MergedInto);
        Assert.Equal([survivor.ItemId], (await Backlog.ListBacklogItemsAsync(new ListBacklogItemsRequest { Cohort = slug }, owner)).Items.Select(i => i.ItemId));
        Assert.Equal(2, (await Backlog.ListBacklogItemsAsync(new ListBacklogItemsRequest { Cohort = slug, IncludeMerged = true }, owner)).Items.Count);
        var change = await Assert.ThrowsAsync<RpcException>(() => _support.UpdateAsync(owner, new BacklogItem { ItemId = promoted.ItemId, Title = "x" }, "title"));
        Assert.Equal(("BACKLOG_ITEM_MERGED", survivor.ItemId), (ApiErrors.ReasonOf(change), ApiErrors.MetadataOf(change)["merged_into"]));

        await _support.FeedbackAsync(owner, a, "login loops!");
        var rerun = await Backlog.PromoteBlockersAsync(new PromoteBlockersRequest { Cohort = slug }, owner);
        Assert.Equal((0, survivor.ItemId), (rerun.Created, rerun.Items.Single().ItemId));

        var elsewhere = await _support.CreateAsync(owner, await _support.CohortAsync(owner), "Other cohort");
        var across = await Assert.ThrowsAsync<RpcException>(() => Backlog.MergeBacklogItemsAsync(new MergeBacklogItemsRequest { SurvivorId = survivor.ItemId, DuplicateIds = { elsewhere.ItemId } }, owner).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "BACKLOG_MERGE_NOT_ALLOWED"), (across.StatusCode, ApiErrors.ReasonOf(across)));
        var self = await Assert.ThrowsAsync<RpcException>(() => Backlog.MergeBacklogItemsAsync(new MergeBacklogItemsRequest { SurvivorId = survivor.ItemId, DuplicateIds = { survivor.ItemId } }, owner).ResponseAsync);
        Assert.Equal(["duplicate_ids[0]"], BacklogTestSupport.Violations(self));
    }

    [Fact]
    public async Task AnotherTenant_CannotSeeOrChangeOrLinkTheItems()
    {
        var acme = await _host.OwnerAsync(_host.Acme);
        var demo = await _host.OwnerAsync(_host.Demo);
        var slug = await _support.CohortAsync(acme);
        var participant = await _support.ParticipantAsync(acme, slug);
        var item = await _support.CreateAsync(acme, slug, "Acme only", [participant]);
        var demoSlug = await _support.CohortAsync(demo);
        var demoItem = await _support.CreateAsync(demo, demoSlug, "Demo's");

        var get = await Assert.ThrowsAsync<RpcException>(() => Backlog.GetBacklogItemAsync(new GetBacklogItemRequest { ItemId = item.ItemId }, demo).ResponseAsync);
        var update = await Assert.ThrowsAsync<RpcException>(() => _support.UpdateAsync(demo, new BacklogItem { ItemId = item.ItemId, Title = "mine" }, "title"));
        var merge = await Assert.ThrowsAsync<RpcException>(() => Backlog.MergeBacklogItemsAsync(new MergeBacklogItemsRequest { SurvivorId = demoItem.ItemId, DuplicateIds = { item.ItemId } }, demo).ResponseAsync);
        Assert.All(new[] { get, update, merge }, ex => Assert.Equal((StatusCode.NotFound, "BACKLOG_ITEM_NOT_FOUND"), (ex.StatusCode, ApiErrors.ReasonOf(ex))));
        var promote = await Assert.ThrowsAsync<RpcException>(() => Backlog.PromoteBlockersAsync(new PromoteBlockersRequest { Cohort = slug }, demo).ResponseAsync);
        Assert.Equal("COHORT_NOT_FOUND", ApiErrors.ReasonOf(promote));
        var link = await Assert.ThrowsAsync<RpcException>(() => _support.UpdateAsync(demo, new BacklogItem { ItemId = demoItem.ItemId, ParticipantIds = { participant } }, "participant_ids"));
        Assert.Equal(["item.participant_ids[0]"], BacklogTestSupport.Violations(link));

        // In the data layer too: the demo tenant's context does not see acme's rows at all.
        await using var scope = _host.Services.CreateTenantScope(_host.Demo.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        Assert.False(await db.BacklogItems.AnyAsync(i => i.Id == item.ItemId));
        Assert.False(await db.BacklogLinks.AnyAsync(l => l.ItemId == item.ItemId));
        Assert.Equal("Acme only", (await Backlog.GetBacklogItemAsync(new GetBacklogItemRequest { ItemId = item.ItemId }, acme)).Item.Title);
    }
}

public sealed class SqliteBacklogApiTests(SqliteNotificationsHostFixture host) : BacklogApiTests<SqliteNotificationsHostFixture>(host);

public sealed class PostgresBacklogApiTests(PostgresNotificationsHostFixture host) : BacklogApiTests<PostgresNotificationsHostFixture>(host);
