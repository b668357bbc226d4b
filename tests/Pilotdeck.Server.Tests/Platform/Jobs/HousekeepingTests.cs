using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data;
using Pilotdeck.Data.Guardian;
using Pilotdeck.Data.Idempotency;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Features.Guardian;
using Pilotdeck.Server.Platform.Jobs;

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
    public async Task PurgeRefreshTokens_ExpiredInEachTenant_DeletesExpiredKeepsLive()
    {
        var now = DateTimeOffset.UtcNow;
        RefreshToken Token(string userId, DateTimeOffset expires, DateTimeOffset? consumed = null) => new()
        {
            Id = Guid.NewGuid().ToString("N"), UserId = userId, FamilyId = Guid.NewGuid().ToString("N"),
            TokenHash = Guid.NewGuid().ToByteArray(), CreatedAt = now.AddDays(-20), ExpiresAt = expires, ConsumedAt = consumed,
        };
        var acmeExpired = Token(_host.Acme.OwnerUserId, now.AddMinutes(-1));
        var acmeLive = Token(_host.Acme.OwnerUserId, now.AddDays(1));
        var acmeConsumedLive = Token(_host.Acme.OwnerUserId, now.AddDays(1), consumed: now.AddDays(-1));
        var demoExpired = Token(_host.Demo.OwnerUserId, now.AddDays(-3));
        await AddAsync("acme", acmeExpired, acmeLive, acmeConsumedLive);
        await AddAsync("demo", demoExpired);

        await FireAsync(Housekeeping.PurgeExpiredTokensJobId);

        var acme = await RemainingAsync("acme", db => db.RefreshTokens, t => t.Id);
        Assert.DoesNotContain(acmeExpired.Id, acme);
        Assert.Contains(acmeLive.Id, acme);
        Assert.Contains(acmeConsumedLive.Id, acme);
        Assert.DoesNotContain(demoExpired.Id, await RemainingAsync("demo", db => db.RefreshTokens, t => t.Id));
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
