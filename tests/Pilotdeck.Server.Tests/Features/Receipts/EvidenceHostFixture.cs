using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Receipts;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Receipts;

/// <summary>The host with a small evidence bundle bound, so exceeding it stays cheap; and helpers to make and await receipts.</summary>
public abstract class EvidenceHostFixture : HostFixture
{
    public const int MaxEvidenceReceipts = 5;

    protected override IEnumerable<string> ExtraArgs => [$"--Pilotdeck:Receipts:MaxEvidenceReceipts={MaxEvidenceReceipts}"];

    public ReceiptsService.ReceiptsServiceClient Receipts => new(CreateChannel());

    /// <summary>Records <paramref name="count"/> receipts for <paramref name="subject"/> (a fresh one by default) through the real <see cref="ChangeReceipts"/>, as a job would.</summary>
    public async Task<string> RecordReceiptsAsync(string tenantId, int count, string? subject = null)
    {
        subject ??= "probes/" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < count; i++)
        {
            await using var scope = Services.CreateTenantScope(tenantId);
            await scope.ServiceProvider.GetRequiredService<ChangeReceipts>().ForJob("evidence-test")
                .RecordAsync("evidence-test.step-" + i, _ => subject, () => Task.FromResult(i), n => [(byte)n], CancellationToken.None);
        }

        return subject;
    }

    /// <summary>The subject's timeline once every receipt of it is in a signed checkpoint (the sequencer runs each second).</summary>
    public async Task<GetReceiptTimelineResponse> LoggedTimelineAsync(string subject, Metadata caller)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var timeline = await Receipts.GetReceiptTimelineAsync(new GetReceiptTimelineRequest { Subject = subject, PageSize = 200 }, caller);
            if (timeline.Entries.All(e => !e.Pending))
            {
                return timeline;
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    public static string ReasonOf(RpcException ex) => ApiErrors.ReasonOf(ex) ?? "";
}

public sealed class EvidenceSqliteHostFixture : EvidenceHostFixture
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class EvidencePostgresHostFixture : EvidenceHostFixture
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
