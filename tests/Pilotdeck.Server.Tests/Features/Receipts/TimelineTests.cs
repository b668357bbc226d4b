using Grpc.Core;
using Pilotdeck.Client.Receipts;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Receipts;

/// <summary>GetReceiptTimeline on the real host, per provider: one subject's receipts oldest first, paged, each verifiable; nothing of another tenant's.</summary>
public abstract class TimelineTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : EvidenceHostFixture
{
    private async Task<Metadata> OwnerOfAsync(TenantUnderTest tenant) => HostFixture.Bearer(await host.UserTokenAsync(tenant.OwnerEmail, tenant.OwnerPassword));

    [Fact]
    public async Task Timeline_OfAMember_ListsCreateUpdateDeleteInOrder_PagedAndEachVerifies()
    {
        var owner = await OwnerOfAsync(host.Acme);
        var identity = new IdentityService.IdentityServiceClient(host.CreateChannel());
        var member = (await identity.CreateMemberAsync(new CreateMemberRequest { Email = $"timeline-{Guid.NewGuid():N}@acme.test", Role = TenantRole.Viewer, InitialPassword = "Viewer-Password-123" }, owner)).Member;
        await identity.UpdateMemberAsync(new UpdateMemberRequest { Member = new Member { UserId = member.UserId, Role = TenantRole.Admin }, UpdateMask = new() { Paths = { "role" } } }, owner);
        await identity.DeleteMemberAsync(new DeleteMemberRequest { UserId = member.UserId }, owner);
        var subject = "members/" + member.UserId;
        await host.LoggedTimelineAsync(subject, owner);

        var first = await host.Receipts.GetReceiptTimelineAsync(new GetReceiptTimelineRequest { Subject = subject, PageSize = 2 }, owner);
        var second = await host.Receipts.GetReceiptTimelineAsync(new GetReceiptTimelineRequest { Subject = subject, PageSize = 2, PageToken = first.NextPageToken }, owner);

        Assert.NotEmpty(first.NextPageToken);
        Assert.Empty(second.NextPageToken);
        var actions = first.Entries.Concat(second.Entries).Select(e => e.Receipt.Action[(e.Receipt.Action.LastIndexOf('/') + 1)..]);
        Assert.Equal(["CreateMember", "UpdateMember", "DeleteMember"], actions);
        var key = (await host.Receipts.GetLogInfoAsync(new GetLogInfoRequest(), owner)).VerifierKey;
        foreach (var (page, entry) in first.Entries.Select(e => (first, e)).Concat(second.Entries.Select(e => (second, e))))
        {
            Assert.Equal(subject, entry.Receipt.Subject);
            // Member changes are governed: each receipt links the policy decision it passed.
            Assert.StartsWith("dec_", entry.Receipt.DecisionId, StringComparison.Ordinal);
            var verification = ReceiptProof.Verify(entry, page.SignedCheckpoint, key);
            Assert.True(verification.Verified, verification.Problem);
        }
    }

    [Fact]
    public async Task Timeline_WithLoggedAndPendingEntries_ProvesEachLoggedEntryAndMarksTheRestPending()
    {
        var owner = await OwnerOfAsync(host.Acme);
        var subject = await host.RecordReceiptsAsync("acme", 3);
        await host.LoggedTimelineAsync(subject, owner);
        var key = (await host.Receipts.GetLogInfoAsync(new GetLogInfoRequest(), owner)).VerifierKey;

        // The sequencer signs a second after a change: read right after one, its receipt is pending
        // while the subject's earlier ones are proven (tried until that mix shows, at most five times).
        GetReceiptTimelineResponse timeline;
        var attempts = 0;
        do
        {
            await host.RecordReceiptsAsync("acme", 1, subject);
            timeline = await host.Receipts.GetReceiptTimelineAsync(new GetReceiptTimelineRequest { Subject = subject, PageSize = 50 }, owner);
        }
        while (timeline.Entries.All(e => !e.Pending) && ++attempts < 5);

        Assert.Contains(timeline.Entries, e => e.Pending);
        Assert.True(timeline.Entries.Count(e => !e.Pending) >= 3);
        foreach (var entry in timeline.Entries)
        {
            if (entry.Pending)
            {
                Assert.Empty(entry.InclusionProof);
                continue;
            }

            var verification = ReceiptProof.Verify(entry, timeline.SignedCheckpoint, key);
            Assert.True(verification.Verified, verification.Problem);
        }
    }

    [Fact]
    public async Task Timeline_AnEntryWhoseBytesWereAltered_DoesNotVerify()
    {
        var owner = await OwnerOfAsync(host.Acme);
        var subject = await host.RecordReceiptsAsync("acme", 1);
        var timeline = await host.LoggedTimelineAsync(subject, owner);
        var key = (await host.Receipts.GetLogInfoAsync(new GetLogInfoRequest(), owner)).VerifierKey;
        var entry = timeline.Entries.Single().Clone();
        var bytes = entry.Canonical.ToByteArray();
        bytes[^3] ^= 1;
        entry.Canonical = Google.Protobuf.ByteString.CopyFrom(bytes);

        var verification = ReceiptProof.Verify(entry, timeline.SignedCheckpoint, key);

        Assert.False(verification.Verified);
        Assert.Contains("id does not match its text", verification.Problem);
    }

    [Fact]
    public async Task Timeline_OfAnotherTenantsSubject_IsNotFound_LikeASubjectThatNeverExisted()
    {
        var subject = await host.RecordReceiptsAsync("acme", 1);
        var demoOwner = await OwnerOfAsync(host.Demo);

        var crossing = await Assert.ThrowsAsync<RpcException>(() => host.Receipts.GetReceiptTimelineAsync(new GetReceiptTimelineRequest { Subject = subject }, demoOwner).ResponseAsync);
        var missing = await Assert.ThrowsAsync<RpcException>(() => host.Receipts.GetReceiptTimelineAsync(new GetReceiptTimelineRequest { Subject = "probes/none" }, demoOwner).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, crossing.StatusCode);
        Assert.Equal("SUBJECT_NOT_FOUND", EvidenceHostFixture.ReasonOf(crossing));
        Assert.Equal(crossing.StatusCode, missing.StatusCode);
        Assert.Equal(EvidenceHostFixture.ReasonOf(crossing), EvidenceHostFixture.ReasonOf(missing));
    }

    [Fact]
    public async Task Timeline_WithoutASubject_IsInvalidArgumentNamingTheField()
    {
        var owner = await OwnerOfAsync(host.Acme);

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Receipts.GetReceiptTimelineAsync(new GetReceiptTimelineRequest(), owner).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("FIELD_INVALID", EvidenceHostFixture.ReasonOf(error));
        Assert.Contains("subject", error.Status.Detail);
    }
}

public sealed class SqliteTimelineTests(EvidenceSqliteHostFixture host) : TimelineTests<EvidenceSqliteHostFixture>(host);

public sealed class PostgresTimelineTests(EvidencePostgresHostFixture host) : TimelineTests<EvidencePostgresHostFixture>(host);
