using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Jobs;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Receipts;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Platform.Receipts;

/// <summary>
/// Receipts on the real host, per database provider: a change and its receipt commit together,
/// a failed change leaves neither, a replayed create leaves one receipt, and a tenant never sees
/// another tenant's receipts.
/// </summary>
public abstract class ReceiptsTests<TFixture> : IClassFixture<TFixture>
    where TFixture : HostFixture
{
    private const string CreateMember = "/pilotdeck.identity.v1.IdentityService/CreateMember";

    private readonly TFixture _host;

    protected ReceiptsTests(TFixture host) => _host = host;

    private IdentityService.IdentityServiceClient Client => new(_host.CreateChannel());

    private async Task<List<ReceiptRecord>> ReceiptsAsync(string tenantId, string subject)
    {
        await using var scope = _host.Services.CreateTenantScope(tenantId);
        return await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Receipts.AsNoTracking()
            .Where(r => r.Subject == subject).ToListAsync();
    }

    [Fact]
    public async Task CreateMember_Succeeds_LeavesOneReceiptNamingCallerActionSubjectAndContent()
    {
        var owner = HostFixture.Bearer(await _host.UserTokenAsync(_host.Acme.OwnerEmail, _host.Acme.OwnerPassword));
        var email = $"receipt-{Guid.NewGuid():N}@acme.test";

        var created = await Client.CreateMemberAsync(new CreateMemberRequest { Email = email, Role = TenantRole.Viewer, InitialPassword = "Viewer-Password-123" }, owner);

        var receipt = Assert.Single(await ReceiptsAsync("acme", "members/" + created.Member.UserId));
        Assert.Equal("acme", receipt.TenantId);
        Assert.Equal("user:" + _host.Acme.OwnerUserId, receipt.Actor);
        Assert.Equal(CreateMember, receipt.Action);
        Assert.Equal(SHA256.HashData(created.ToByteArray()), receipt.ContentSha256);
        Assert.Equal(ReceiptText.IdOf(receipt), receipt.Id);
        Assert.Matches("^[0-9a-f]{32}$", receipt.RequestId);
        // Identifiers and hashes only: the new member's email is nowhere in the receipt.
        Assert.DoesNotContain(email, System.Text.Encoding.UTF8.GetString(ReceiptText.Canonical(receipt)));
    }

    [Fact]
    public async Task CreateMember_ReplayedWithTheSameRequestId_LeavesOneReceipt()
    {
        var owner = HostFixture.Bearer(await _host.UserTokenAsync(_host.Acme.OwnerEmail, _host.Acme.OwnerPassword));
        var request = new CreateMemberRequest
        {
            Email = $"replay-{Guid.NewGuid():N}@acme.test", Role = TenantRole.Analyst, InitialPassword = "Analyst-Password-123", RequestId = Guid.NewGuid().ToString(),
        };

        var first = await Client.CreateMemberAsync(request, owner);
        var replay = await Client.CreateMemberAsync(request, owner);

        Assert.Equal(first.Member.UserId, replay.Member.UserId);
        Assert.Single(await ReceiptsAsync("acme", "members/" + first.Member.UserId));
    }

    [Fact]
    public async Task UpdateAndDeleteMember_EachLeaveTheirReceipt_AFailedDeleteLeavesNone()
    {
        var owner = HostFixture.Bearer(await _host.UserTokenAsync(_host.Acme.OwnerEmail, _host.Acme.OwnerPassword));
        var created = await Client.CreateMemberAsync(new CreateMemberRequest { Email = $"cycle-{Guid.NewGuid():N}@acme.test", Role = TenantRole.Viewer, InitialPassword = "Viewer-Password-123" }, owner);
        var member = created.Member;

        await Client.UpdateMemberAsync(new UpdateMemberRequest { Member = new Member { UserId = member.UserId, Role = TenantRole.Admin }, UpdateMask = new() { Paths = { "role" } } }, owner);
        await Client.DeleteMemberAsync(new DeleteMemberRequest { UserId = member.UserId }, owner);
        var again = await Assert.ThrowsAsync<RpcException>(() => Client.DeleteMemberAsync(new DeleteMemberRequest { UserId = member.UserId }, owner).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, again.StatusCode);
        var actions = (await ReceiptsAsync("acme", "members/" + member.UserId)).OrderBy(r => r.CreatedAt).Select(r => r.Action[(r.Action.LastIndexOf('/') + 1)..]);
        Assert.Equal(["CreateMember", "UpdateMember", "DeleteMember"], actions);
    }

    [Fact]
    public async Task RecordAsync_ChangeThrowsAfterWriting_LeavesNeitherChangeNorReceipt()
    {
        var jobId = "receipt-probe-" + Guid.NewGuid().ToString("N");
        await using (var scope = _host.Services.CreateTenantScope("acme"))
        {
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            var receipts = scope.ServiceProvider.GetRequiredService<ChangeReceipts>().ForJob("test");

            await Assert.ThrowsAsync<InvalidOperationException>(() => receipts.RecordAsync<int>("test.crash", _ => "job-runs/" + jobId, async () =>
            {
                db.JobRuns.Add(new JobRunRecord { JobId = jobId, Name = "probe", State = "Succeeded", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
                throw new InvalidOperationException("crash after the change was written");
            }, _ => [], CancellationToken.None));
        }

        await using var check = _host.Services.CreateTenantScope("acme");
        var checkDb = check.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        Assert.False(await checkDb.JobRuns.AnyAsync(r => r.JobId == jobId));
        Assert.Empty(await ReceiptsAsync("acme", "job-runs/" + jobId));
    }

    [Fact]
    public async Task Receipts_OfAnotherTenant_AreNeverVisible()
    {
        var owner = HostFixture.Bearer(await _host.UserTokenAsync(_host.Acme.OwnerEmail, _host.Acme.OwnerPassword));
        var created = await Client.CreateMemberAsync(new CreateMemberRequest { Email = $"iso-{Guid.NewGuid():N}@acme.test", Role = TenantRole.Viewer, InitialPassword = "Viewer-Password-123" }, owner);

        Assert.Single(await ReceiptsAsync("acme", "members/" + created.Member.UserId));
        Assert.Empty(await ReceiptsAsync("demo", "members/" + created.Member.UserId));
    }
}

public sealed class SqliteReceiptsTests(SqliteHostFixture host) : ReceiptsTests<SqliteHostFixture>(host);

public sealed class PostgresReceiptsTests(PostgresHostFixture host) : ReceiptsTests<PostgresHostFixture>(host);
