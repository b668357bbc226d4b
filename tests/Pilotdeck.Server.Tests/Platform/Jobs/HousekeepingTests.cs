using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data;
using Pilotdeck.Data.Guardian;
using Pilotdeck.Data.Idempotency;
using OpenIddict.Abstractions;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Features.Guardian;
using Pilotdeck.Server.Platform.Jobs;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Platform.Jobs;

/// <summary>
/// The recurring housekeeping jobs, fired through the real job server as their schedule would
/// fire them: each fans out to a run per tenant, which deletes what is past its retention in that
/// tenant and keeps the rest.
/// </summary>
public abstract class HousekeepingTests<TFixture> : IClassFixture<TFixture>
    where TFixture : JobsHostFixture
{
    private readonly TFixture _host;

    protected HousekeepingTests(TFixture host) => _host = host;

    private Task FireAsync(string recurringJobId) => _host.FireAndWaitAsync(recurringJobId);

    private async Task AddAsync(string tenantId, params object[] rows)
    {
        await using var scope = _host.Services.CreateTenantScope(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        db.AddRange(rows);
        await db.SaveChangesAsync();
    }

    private async Task<List<string>> RemainingAsync<T>(string tenantId, Func<PilotdeckDbContext, IQueryable<T>> rows, Func<T, string> id)
        where T : class
    {
        await using var scope = _host.Services.CreateTenantScope(tenantId);
        return (await rows(scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>()).ToListAsync()).Select(id).ToList();
    }

    [Fact]
    public async Task PruneTokens_UnusableAndOlderThanARefreshChain_DeletedOthersKept()
    {
        var now = DateTimeOffset.UtcNow;
        await using var scope = _host.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        async Task<string> TokenAsync(int createdDaysAgo, int expiresInDays, string status) =>
            (await tokens.GetIdAsync(await tokens.CreateAsync(new OpenIddictTokenDescriptor
            {
                Subject = _host.Acme.OwnerUserId, Type = "refresh_token", Status = status,
                CreationDate = now.AddDays(-createdDaysAgo), ExpirationDate = now.AddDays(expiresInDays),
            })))!;
        var oldExpired = await TokenAsync(20, -19, OpenIddictConstants.Statuses.Valid);
        var oldRedeemed = await TokenAsync(20, 1, OpenIddictConstants.Statuses.Redeemed);
        // Still needed: replaying it must be recognised as reuse and end its chain.
        var recentRedeemed = await TokenAsync(1, 13, OpenIddictConstants.Statuses.Redeemed);
        var oldStillValid = await TokenAsync(20, 1, OpenIddictConstants.Statuses.Valid);

        var result = await JobWaits.FireOnceAndWaitAsync(_host.Services, Housekeeping.PruneTokensJobId);

        async Task<bool> ExistsAsync(string id)
        {
            await using var check = _host.Services.CreateAsyncScope();
            return await check.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().FindByIdAsync(id) is not null;
        }

        Assert.False(await ExistsAsync(oldExpired));
        Assert.False(await ExistsAsync(oldRedeemed));
        Assert.True(await ExistsAsync(recentRedeemed));
        Assert.True(await ExistsAsync(oldStillValid));
        Assert.Contains("token(s)", result);
    }

    [Fact]
    public async Task PurgeIdempotencyRecords_OlderThanRetention_DeletesOldKeepsRecent()
    {
        var now = DateTimeOffset.UtcNow;
        IdempotencyRecord Record(TimeSpan age) => new()
        {
            Method = "/pilotdeck.test.v1.Test/Create", RequestId = Guid.NewGuid().ToString("N"),
            RequestHash = [1], Response = [2], CreatedAt = now - age,
        };
        var acmeOld = Record(TimeSpan.FromDays(8));
        var acmeRecent = Record(TimeSpan.FromDays(6));
        var demoOld = Record(TimeSpan.FromDays(30));
        await AddAsync("acme", acmeOld, acmeRecent);
        await AddAsync("demo", demoOld);

        await FireAsync(Housekeeping.PurgeIdempotencyRecordsJobId);

        var acme = await RemainingAsync("acme", db => db.IdempotencyRecords, r => r.RequestId);
        Assert.DoesNotContain(acmeOld.RequestId, acme);
        Assert.Contains(acmeRecent.RequestId, acme);
        Assert.DoesNotContain(demoOld.RequestId, await RemainingAsync("demo", db => db.IdempotencyRecords, r => r.RequestId));
    }

    [Fact]
    public async Task GuardianRetention_AnalysesOlderThan180Days_DeletesOldKeepsYounger()
    {
        var now = DateTimeOffset.UtcNow;
        GuardianAnalysisRecord Analysis(int ageDays) => new()
        {
            Id = Guid.NewGuid().ToString("N"), ProjectName = "jaffle_shop", CreatedAt = now.AddDays(-ageDays),
            ResultJson = [1], Suggestions = [2],
        };
        var acmeOld = Analysis(181);
        var acmeYoung = Analysis(179);
        var demoOld = Analysis(400);
        var demoYoung = Analysis(1);
        await AddAsync("acme", acmeOld, acmeYoung);
        await AddAsync("demo", demoOld, demoYoung);

        await FireAsync(GuardianRetention.JobId);

        Assert.Equal([acmeYoung.Id], await RemainingAsync("acme", db => db.GuardianAnalyses.Where(a => a.Id == acmeOld.Id || a.Id == acmeYoung.Id), a => a.Id));
        Assert.Equal([demoYoung.Id], await RemainingAsync("demo", db => db.GuardianAnalyses.Where(a => a.Id == demoOld.Id || a.Id == demoYoung.Id), a => a.Id));
        // Each tenant's run left a receipt naming the job, over the ids it deleted.
        var receipts = await RemainingAsync("acme", db => db.Receipts.Where(r => r.Action == "guardian.history-retention"), r => r.Actor + " " + r.Subject);
        Assert.Contains($"system:{GuardianRetention.JobId} analyses", receipts);
    }
}

public sealed class SqliteHousekeepingTests(SqliteJobsHostFixture host) : HousekeepingTests<SqliteJobsHostFixture>(host);

public sealed class PostgresHousekeepingTests(PostgresJobsHostFixture host) : HousekeepingTests<PostgresJobsHostFixture>(host);
