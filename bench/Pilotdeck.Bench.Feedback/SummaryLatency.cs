using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Pilotdeck.Contracts.Feedback.V1;
using SystemService = Pilotdeck.Contracts.System.V1.SystemService;
using GetServerInfoRequest = Pilotdeck.Contracts.System.V1.GetServerInfoRequest;

namespace Pilotdeck.Bench.Feedback;

/// <summary>Latencies of one kind of call, in milliseconds, sorted.</summary>
internal sealed record Latencies(string Name, double[] Millis)
{
    public double P50 => Stats.Percentile(Millis, 50);

    public double P90 => Stats.Percentile(Millis, 90);
}

/// <summary>
/// One caller asking, one call at a time (what a dashboard or a BI tool does): the summary of the
/// seeded cohort over gRPC and over the runbook's JSON route, and the anonymous system call as the
/// baseline, each after warm-up calls. The first answer of each is checked before anything is timed.
/// </summary>
internal sealed class SummaryLatency(Uri address, string token, string cohort, int expectedTotal)
{
    private readonly Metadata _auth = new() { { "authorization", "Bearer " + token } };

    public async Task<IReadOnlyList<Latencies>> MeasureAsync(int calls, int warmup)
    {
        using var channel = GrpcChannel.ForAddress(address);
        var feedback = new FeedbackService.FeedbackServiceClient(channel);
        var system = new SystemService.SystemServiceClient(channel);
        using var http = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var route = new Uri(address, "/api/feedback/pilot/summary?cohort=" + cohort);

        var viaGrpc = await feedback.GetFeedbackSummaryAsync(new GetFeedbackSummaryRequest { Cohort = cohort }, _auth);
        Check(viaGrpc.Total, "gRPC");
        using (var json = JsonDocument.Parse(await http.GetStringAsync(route)))
        {
            Check(json.RootElement.GetProperty("total").GetInt32(), "JSON");
        }

        return
        [
            await TimeAsync("server info (anonymous), baseline", calls, warmup, () => system.GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync),
            await TimeAsync("summary over gRPC", calls, warmup, () => feedback.GetFeedbackSummaryAsync(new GetFeedbackSummaryRequest { Cohort = cohort }, _auth).ResponseAsync),
            await TimeAsync("GET /api/feedback/pilot/summary", calls, warmup, () => http.GetStringAsync(route)),
        ];
    }

    private void Check(int total, string how)
    {
        if (total != expectedTotal)
        {
            throw new InvalidOperationException($"the summary over {how} counts {total} pieces of feedback, not the {expectedTotal} seeded");
        }
    }

    private static async Task<Latencies> TimeAsync(string name, int calls, int warmup, Func<Task> call)
    {
        for (var i = 0; i < warmup; i++)
        {
            await call();
        }

        var millis = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var watch = Stopwatch.StartNew();
            await call();
            millis[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(millis);
        return new Latencies(name, millis);
    }
}
