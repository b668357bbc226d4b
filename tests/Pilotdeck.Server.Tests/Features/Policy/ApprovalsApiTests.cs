using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Policy;

/// <summary>
/// Approvals on the real host, per provider: a require-approval decision opens a request; only an
/// eligible other member decides it; the approved action runs once, for the same payload only;
/// every step leaves a receipt; another tenant cannot see or decide it.
/// </summary>
public abstract class ApprovalsApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : HostFixture
{
    private readonly TFixture _host;
    private readonly PolicyTestSupport _support;

    protected ApprovalsApiTests(TFixture host)
    {
        _host = host;
        _support = new PolicyTestSupport(host);
    }

    private static CreateApiClientRequest Writer(string name) => new() { Name = name, Scopes = { "policy.write" }, LifetimeDays = 30 };

    private async Task<string> RequestApprovalAsync(Metadata requester, CreateApiClientRequest request)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _support.Identity.CreateApiClientAsync(request, requester).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("APPROVAL_REQUIRED", ApiErrors.ReasonOf(ex));
        Assert.Equal("ADMIN", ApiErrors.MetadataOf(ex)["approver_role"]);
        return ApiErrors.MetadataOf(ex)["approval_id"];
    }

    [Fact]
    public async Task ApprovedAction_RunsOnceForTheSamePayload_EveryStepLeavesAReceipt()
    {
        await _support.ApplyAsync(_host.Acme, PolicyTestSupport.ApprovalBundle);
        var owner = await _support.OwnerAsync(_host.Acme);
        var (admin, adminId) = await _support.MemberAsync(_host.Acme, TenantRole.Admin);
        var (viewer, _) = await _support.MemberAsync(_host.Acme, TenantRole.Viewer);
        var request = Writer("nightly export " + Guid.NewGuid().ToString("N"));

        var approvalId = await RequestApprovalAsync(owner, request);

        var own = await Assert.ThrowsAsync<RpcException>(() => _support.Approvals.ApproveApprovalAsync(new ApproveApprovalRequest { ApprovalId = approvalId }, owner).ResponseAsync);
        Assert.Equal(("APPROVER_NOT_ELIGIBLE", StatusCode.PermissionDenied), (ApiErrors.ReasonOf(own), own.StatusCode));
        var low = await Assert.ThrowsAsync<RpcException>(() => _support.Approvals.ApproveApprovalAsync(new ApproveApprovalRequest { ApprovalId = approvalId }, viewer).ResponseAsync);
        Assert.Equal("APPROVER_NOT_ELIGIBLE", ApiErrors.ReasonOf(low));
        var early = await Assert.ThrowsAsync<RpcException>(() => _support.Identity.CreateApiClientAsync(request, PolicyTestSupport.WithApproval(owner, approvalId)).ResponseAsync);
        Assert.Equal("APPROVAL_NOT_PENDING", ApiErrors.ReasonOf(early));

        var awaiting = await _support.Approvals.ListApprovalsAsync(new ListApprovalsRequest { AwaitingMe = true }, admin);
        Assert.Contains(awaiting.Approvals, a => a.ApprovalId == approvalId);
        Assert.True(awaiting.AwaitingMeCount >= 1);
        var approved = await _support.Approvals.ApproveApprovalAsync(new ApproveApprovalRequest { ApprovalId = approvalId, Comment = "scoped to members only, fine" }, admin);
        Assert.Equal(ApprovalState.Approved, approved.Approval.State);
        Assert.Equal("user:" + adminId, Assert.Single(approved.Approval.Votes).Approver);

        var changed = await Assert.ThrowsAsync<RpcException>(() => _support.Identity.CreateApiClientAsync(Writer("something else"), PolicyTestSupport.WithApproval(owner, approvalId)).ResponseAsync);
        Assert.Equal("APPROVAL_MISMATCH", ApiErrors.ReasonOf(changed));
        var created = await _support.Identity.CreateApiClientAsync(request, PolicyTestSupport.WithApproval(owner, approvalId));
        Assert.NotEmpty(created.ClientSecret);
        var reused = await Assert.ThrowsAsync<RpcException>(() => _support.Identity.CreateApiClientAsync(request, PolicyTestSupport.WithApproval(owner, approvalId)).ResponseAsync);
        Assert.Equal("APPROVAL_NOT_PENDING", ApiErrors.ReasonOf(reused));
        Assert.Equal("executed", ApiErrors.MetadataOf(reused)["state"]);

        await using var scope = _host.Services.CreateTenantScope("acme");
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var steps = await db.Receipts.Where(r => r.Subject == "approvals/" + approvalId).OrderBy(r => r.CreatedAt).Select(r => r.Action).ToListAsync();
        Assert.Equal(["policy.approval-requested", "/pilotdeck.policy.v1.ApprovalsService/ApproveApproval"], steps);
        var clientReceipt = await db.Receipts.SingleAsync(r => r.Subject == "api-clients/" + created.ApiClient.ClientId);
        var decision = await db.PolicyDecisions.SingleAsync(d => d.Id == clientReceipt.DecisionId);
        Assert.Equal((approvalId, "require_approval"), (decision.ApprovalId, decision.Effect));
    }

    [Fact]
    public async Task TwoCallsUsingOneApprovalAtOnce_OneRuns_TheOtherIsRefusedCleanly_AndRefusalsLeaveDecisions()
    {
        await _support.ApplyAsync(_host.Acme, PolicyTestSupport.ApprovalBundle);
        var owner = await _support.OwnerAsync(_host.Acme);
        var (admin, _) = await _support.MemberAsync(_host.Acme, TenantRole.Admin);
        var request = Writer("raced " + Guid.NewGuid().ToString("N"));
        var approvalId = await RequestApprovalAsync(owner, request);
        await _support.Approvals.ApproveApprovalAsync(new ApproveApprovalRequest { ApprovalId = approvalId }, admin);

        var mismatch = await Assert.ThrowsAsync<RpcException>(() => _support.Identity.CreateApiClientAsync(Writer("other"), PolicyTestSupport.WithApproval(owner, approvalId)).ResponseAsync);
        var refusedDecision = ApiErrors.MetadataOf(mismatch)["decision_id"];
        var races = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            try
            {
                await _support.Identity.CreateApiClientAsync(request, PolicyTestSupport.WithApproval(owner, approvalId));
                return "ok";
            }
            catch (RpcException ex)
            {
                return ex.StatusCode + ":" + ApiErrors.ReasonOf(ex);
            }
        })).ToList();
        var outcomes = await Task.WhenAll(races);

        Assert.Single(outcomes, o => o == "ok");
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Contains(o, new[] { "Aborted:CONCURRENT_UPDATE", "FailedPrecondition:APPROVAL_NOT_PENDING" }));
        await using var scope = _host.Services.CreateTenantScope("acme");
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        Assert.Equal(1, await db.ApiClients.CountAsync(c => c.Name == request.Name));
        var decision = await db.PolicyDecisions.SingleAsync(d => d.Id == refusedDecision);
        Assert.Equal(("require_approval", approvalId), (decision.Effect, decision.ApprovalId));
    }

    [Fact]
    public async Task Deny_NeedsAComment_AndEndsTheRequest()
    {
        await _support.ApplyAsync(_host.Acme, PolicyTestSupport.ApprovalBundle);
        var owner = await _support.OwnerAsync(_host.Acme);
        var (admin, _) = await _support.MemberAsync(_host.Acme, TenantRole.Admin);
        var request = Writer("denied " + Guid.NewGuid().ToString("N"));
        var approvalId = await RequestApprovalAsync(owner, request);

        var silent = await Assert.ThrowsAsync<RpcException>(() => _support.Approvals.DenyApprovalAsync(new DenyApprovalRequest { ApprovalId = approvalId }, admin).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, silent.StatusCode);
        var denied = await _support.Approvals.DenyApprovalAsync(new DenyApprovalRequest { ApprovalId = approvalId, Comment = "use a read-only client" }, admin);

        Assert.Equal(ApprovalState.Denied, denied.Approval.State);
        var run = await Assert.ThrowsAsync<RpcException>(() => _support.Identity.CreateApiClientAsync(request, PolicyTestSupport.WithApproval(owner, approvalId)).ResponseAsync);
        Assert.Equal(("APPROVAL_NOT_PENDING", "denied"), (ApiErrors.ReasonOf(run), ApiErrors.MetadataOf(run)["state"]));
        var stats = await _support.Approvals.GetApprovalStatsAsync(new GetApprovalStatsRequest { WindowDays = 1 }, owner);
        Assert.True(stats.Denied >= 1);
        Assert.NotNull(stats.MedianCycleTime);
        Assert.Equal(stats.Denied, stats.Days.Sum(d => d.Denied));
    }

    [Fact]
    public async Task Approval_OfOneTenant_CannotBeSeenOrDecidedByAnother()
    {
        await _support.ApplyAsync(_host.Acme, PolicyTestSupport.ApprovalBundle);
        var approvalId = await RequestApprovalAsync(await _support.OwnerAsync(_host.Acme), Writer("isolated " + Guid.NewGuid().ToString("N")));
        var demo = await _support.OwnerAsync(_host.Demo);

        var get = await Assert.ThrowsAsync<RpcException>(() => _support.Approvals.GetApprovalAsync(new GetApprovalRequest { ApprovalId = approvalId }, demo).ResponseAsync);
        var approve = await Assert.ThrowsAsync<RpcException>(() => _support.Approvals.ApproveApprovalAsync(new ApproveApprovalRequest { ApprovalId = approvalId }, demo).ResponseAsync);
        var list = await _support.Approvals.ListApprovalsAsync(new ListApprovalsRequest { PageSize = 200 }, demo);

        Assert.Equal(("APPROVAL_NOT_FOUND", "APPROVAL_NOT_FOUND"), (ApiErrors.ReasonOf(get), ApiErrors.ReasonOf(approve)));
        Assert.DoesNotContain(list.Approvals, a => a.ApprovalId == approvalId);
        // Under the same rules in the other tenant, the id is unknown there too.
        await _support.ApplyAsync(_host.Demo, PolicyTestSupport.ApprovalBundle);
        var run = await Assert.ThrowsAsync<RpcException>(() => _support.Identity.CreateApiClientAsync(Writer("x"), PolicyTestSupport.WithApproval(demo, approvalId)).ResponseAsync);
        Assert.Equal("APPROVAL_NOT_FOUND", ApiErrors.ReasonOf(run));
    }

    [Fact]
    public async Task ApiClients_CannotDecideApprovals()
    {
        var client = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Acme));

        var ex = await Assert.ThrowsAsync<RpcException>(() => _support.Approvals.ApproveApprovalAsync(new ApproveApprovalRequest { ApprovalId = "apr_x" }, client).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
    }
}

public sealed class SqliteApprovalsApiTests(SqliteHostFixture host) : ApprovalsApiTests<SqliteHostFixture>(host);

public sealed class PostgresApprovalsApiTests(PostgresHostFixture host) : ApprovalsApiTests<PostgresHostFixture>(host);
