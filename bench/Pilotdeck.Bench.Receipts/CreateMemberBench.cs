using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Bench.Common;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Bench.Receipts;

/// <summary>
/// A receipt's overhead on an ordinary write RPC: CreateMember over gRPC on the real host, in
/// rounds that alternate with and without the receipt (<see cref="WithoutReceipts"/>, bench only),
/// median calls/s of each. A round with receipts is timed until a signed checkpoint covers its last
/// receipt (the log service runs every 0.1 s here), so the log's own work is inside the figure.
/// Each call adds an existing account to the tenant: the accounts are made beforehand, so the calls
/// do not spend their time in password hashing (a new account's PBKDF2 hash would hide any overhead).
/// </summary>
internal static class CreateMemberBench
{
    public sealed record Result(double With, double Without, long Receipts, long Dropped)
    {
        public double Ratio => With / Without;
    }

    public static async Task<Result> RunAsync(DatabaseProvider provider, int callsPerRound, int callers, int rounds)
    {
        await using var host = await PilotdeckTestHost.StartAsync(
            ["hostingStartupAssemblies=" + typeof(WithoutReceipts).Assembly.GetName().Name, "Pilotdeck:Receipts:CheckpointDelay=00:00:00.100",
             "Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware=Warning"], provider: provider);
        var warmUp = callsPerRound / 4;
        var emails = new Queue<string>(await MakeAccountsAsync(host, 2 * (warmUp + rounds * callsPerRound)));
        using var client = PilotdeckClient.Create(new PilotdeckClientOptions
        {
            ServerUrl = host.Address,
            Credentials = PilotdeckCredentials.Password(PilotdeckTestHost.OwnerEmail, PilotdeckTestHost.OwnerPassword),
        });

        var with = new List<double>();
        var without = new List<double>();
        var receiptsBefore = await ReceiptCountAsync(host);
        var droppedBefore = WithoutReceipts.Dropped;
        long expectedReceipts = 0;
        for (var round = -1; round < rounds; round++)
        {
            // Alternating which arm goes first evens out drift (the tables grow, the machine's load moves).
            foreach (var receipts in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                var calls = round < 0 ? warmUp : callsPerRound;
                WithoutReceipts.Active = !receipts;
                var rate = await RoundAsync(host, client, emails, calls, callers, receipts);
                expectedReceipts += receipts ? calls : 0;
                if (round >= 0)
                {
                    (receipts ? with : without).Add(rate);
                }
            }
        }

        WithoutReceipts.Active = false;
        var written = await ReceiptCountAsync(host) - receiptsBefore;
        var dropped = WithoutReceipts.Dropped - droppedBefore;
        if (written != expectedReceipts || dropped != expectedReceipts)
        {
            throw new InvalidOperationException($"Expected {expectedReceipts} receipts written and as many dropped; {written} were written and {dropped} dropped.");
        }

        return new Result(Stats.MedianBy(with, r => r), Stats.MedianBy(without, r => r), written, dropped);
    }

    private static async Task<double> RoundAsync(PilotdeckTestHost host, PilotdeckClient client, Queue<string> emails, int calls, int callers, bool receipts)
    {
        var mine = Enumerable.Range(0, calls).Select(_ => emails.Dequeue()).ToArray();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < mine.Length)
            {
                await client.Identity.CreateMemberAsync(new CreateMemberRequest { Email = mine[i], Role = TenantRole.Viewer, InitialPassword = "Viewer-Password-123" });
            }
        })));

        if (receipts)
        {
            await using var scope = host.Services.CreateTenantScope(host.TenantId);
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            while (await db.Receipts.AnyAsync(r => r.LogIndex == null))
            {
                await Task.Delay(5);
            }
        }

        return calls / clock.Elapsed.TotalSeconds;
    }

    // Accounts with the owner's password hash, inserted directly: CreateMember finds each by email.
    private static async Task<List<string>> MakeAccountsAsync(PilotdeckTestHost host, int count)
    {
        await using var scope = host.Services.CreateTenantScope(host.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var hash = await db.Users.Where(u => u.Id == host.OwnerUserId).Select(u => u.PasswordHash).SingleAsync();
        var emails = Enumerable.Range(0, count).Select(i => "bench-" + i.ToString(CultureInfo.InvariantCulture) + "@members.test").ToList();
        db.Users.AddRange(emails.Select(e => new User { Id = Guid.CreateVersion7().ToString("N"), Email = e, NormalizedEmail = UserAccounts.NormalizeEmail(e), PasswordHash = hash, CreatedAt = DateTimeOffset.UtcNow }));
        await db.SaveChangesAsync();
        return emails;
    }

    private static async Task<long> ReceiptCountAsync(PilotdeckTestHost host)
    {
        await using var scope = host.Services.CreateTenantScope(host.TenantId);
        return await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Receipts.LongCountAsync();
    }
}
