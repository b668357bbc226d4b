using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Pilotdeck.Bench.Common;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Data;
using Pilotdeck.TestSupport;
using Pilotdeck.Transparency.Merkle;

// Receipt proofs at scale (issue 11's benchmark; results in docs/performance.md). Per provider, on
// the real host: the demo tenant's log is grown to --leaves receipts (stored directly, in the
// sequencer's layout; the last one is appended and signed by the real sequencer), then, over gRPC
// with an owner's token:
//   baseline:    GetCheckpoint, the same authenticated path reading one row;
//   inclusion:   GetReceipt of a random receipt, with its inclusion proof against the latest checkpoint;
//   consistency: GetConsistencyProof from a random earlier size to the latest.
// Every answer is checked against the root. Goals: p99 <= 2 ms for both proofs.
var options = args.ToDictionary(a => a.Split('=')[0], a => a.Contains('=') ? a[(a.IndexOf('=') + 1)..] : "true");
var leaves = long.Parse(options.GetValueOrDefault("--leaves", "1000000"), CultureInfo.InvariantCulture);
var requests = int.Parse(options.GetValueOrDefault("--requests", "2000"), CultureInfo.InvariantCulture);
var providers = options.GetValueOrDefault("--providers", "sqlite,postgres").Split(',');
var markdown = options.GetValueOrDefault("--markdown");

Console.WriteLine($"receipt proofs: a log of {leaves:N0} receipts, {requests:N0} requests per kind");
Console.WriteLine(Machine.Describe());
var table = new StringBuilder()
    .AppendLine("| provider | call | p50 | p99 | p99 / baseline p99 | goal (p99 <= 2 ms) |")
    .AppendLine("| --- | --- | ---: | ---: | ---: | --- |");
var failed = false;
foreach (var provider in providers)
{
    var database = provider == "postgres" ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
    // The log service stays idle: the bench appends the last receipt itself.
    await using var host = await PilotdeckTestHost.StartAsync(["Pilotdeck:Receipts:CheckpointDelay=01:00:00"], provider: database);
    var clock = Stopwatch.StartNew();
    var log = await ProofLogSeeder.GrowAsync(host, leaves);
    Console.WriteLine($"{provider}: log grown to {log.Size:N0} receipts in {clock.Elapsed.TotalSeconds:F0} s");

    var receipts = new ReceiptsService.ReceiptsServiceClient(GrpcChannel.ForAddress(host.Address));
    var auth = new Metadata { { "authorization", "Bearer " + await OwnerTokenAsync(host) } };
    var random = new Random(7);
    var baseline = await MeasureAsync(requests,
        () => receipts.GetCheckpointAsync(new GetCheckpointRequest(), auth).ResponseAsync,
        checkpoint => Task.FromResult(checkpoint.TreeSize == log.Size && checkpoint.RootHash.Span.SequenceEqual(log.Root.Bytes)), "checkpoint");
    var inclusion = await MeasureAsync(requests, async () =>
    {
        var (index, id) = log.Sampled[random.Next(log.Sampled.Count)];
        return (index, await receipts.GetReceiptAsync(new GetReceiptRequest { ReceiptId = id }, auth));
    }, sample => Task.FromResult(sample.Item2.TreeSize == log.Size && MerkleProof.VerifyInclusion(LogHash.OfLeaf(sample.Item2.Canonical.Span), sample.index, log.Size,
        [.. sample.Item2.InclusionProof.Select(h => new LogHash(h.Span))], log.Root)), "inclusion proof");
    var consistency = await MeasureAsync(requests, async () =>
    {
        var first = random.NextInt64(1, log.Size);
        return (first, await receipts.GetConsistencyProofAsync(new GetConsistencyProofRequest { FirstSize = first, SecondSize = log.Size }, auth));
    }, async sample => MerkleProof.VerifyConsistency(sample.first, await log.RootAtAsync(sample.first), log.Size, log.Root,
        [.. sample.Item2.Proof.Select(h => new LogHash(h.Span))]), "consistency proof");

    foreach (var (call, sorted, goal) in new[] { ("GetCheckpoint (baseline)", baseline, false), ("GetReceipt + inclusion proof", inclusion, true), ("GetConsistencyProof", consistency, true) })
    {
        var p50 = Stats.Percentile(sorted, 50);
        var p99 = Stats.Percentile(sorted, 99);
        var met = p99 <= 2000;
        failed |= goal && !met;
        var verdict = goal ? (met ? "met" : "not met") : "";
        Console.WriteLine($"{provider}: {call}: p50 {Machine.Ms(p50)}, p99 {Machine.Ms(p99)}, p99/baseline {p99 / Stats.Percentile(baseline, 99):F2} {verdict}");
        table.AppendLine(CultureInfo.InvariantCulture, $"| {provider} | {call} | {Machine.Ms(p50)} | {Machine.Ms(p99)} | {p99 / Stats.Percentile(baseline, 99):F2} | {verdict} |");
    }
}

Console.WriteLine();
Console.Write(table);
if (markdown is not null)
{
    await File.WriteAllTextAsync(markdown, table.ToString());
}

return failed ? 1 : 0;

// Latencies in microseconds, sorted, after a warm-up of a tenth of the count. Only the call is
// timed; each answer is verified right after its timing, so the client's own hashing stays out of
// the figure and no answer is kept: 10,000 kept answers were enough garbage-collected objects to
// show up in the calls' own tail.
static async Task<double[]> MeasureAsync<T>(int count, Func<Task<T>> call, Func<T, Task<bool>> verify, string what)
{
    for (var i = 0; i < Math.Max(50, count / 10); i++)
    {
        await call();
    }

    var micros = new double[count];
    var collections = GC.CollectionCount(0);
    var paused = GC.GetTotalPauseDuration();
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    for (var i = 0; i < count; i++)
    {
        var start = Stopwatch.GetTimestamp();
        var answer = await call();
        micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        if (!await verify(answer))
        {
            throw new InvalidOperationException($"The server's {what} did not verify.");
        }
    }

    // Under server GC's heap-count adaptation (DATAS) this runtime's total can go backwards when a heap
    // is retired (dotnet/runtime#131069), so a negative difference is reported as unknown.
    var perCall = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / count;
    Console.WriteLine($"  {what}: {GC.CollectionCount(0) - collections} garbage collections in this process while measured, {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} ms paused, {(perCall < 0 ? "bytes allocated per call unknown (the runtime's count went back)" : $"{perCall:N0} bytes allocated per call")}");
    Array.Sort(micros);
    return micros;
}

static async Task<string> OwnerTokenAsync(PilotdeckTestHost host)
{
    using var http = new HttpClient(new SocketsHttpHandler());
    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.Address, "/oauth2/token"))
    {
        Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = PilotdeckTestHost.OwnerEmail, ["password"] = PilotdeckTestHost.OwnerPassword,
        }),
        Version = HttpVersion.Version20,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
    using var response = await http.SendAsync(request);
    var body = await response.Content.ReadAsStringAsync();
    return response.IsSuccessStatusCode
        ? JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!
        : throw new InvalidOperationException($"POST /oauth2/token answered {(int)response.StatusCode}: {body}");
}
