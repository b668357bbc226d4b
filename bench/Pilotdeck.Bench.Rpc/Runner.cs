namespace Pilotdeck.Bench.Rpc;

/// <summary>
/// One endpoint under load. <paramref name="BodyFile"/> null means a bodiless GET (a JSON route);
/// otherwise h2load POSTs the file with gRPC's headers. <paramref name="Completed"/> counts, on the
/// server, the requests that completed as they should (a handler's counter, or the host's log lines
/// for successful calls); null where nothing can count them without changing the host.
/// </summary>
internal sealed record Target(string Key, string Name, Uri Url, string? BodyFile, Func<long>? Completed);

/// <summary>One measured h2load run of one target, in a numbered round of a phase.</summary>
internal sealed record Run(string Phase, int Round, Target Target, H2LoadResult Result);

/// <summary>Warm-up, alternating measured rounds, sanity checks of every run, medians and per-round ratios.</summary>
internal sealed class Runner(BenchOptions options, H2LoadSettings settings, List<string> problems)
{
    public List<Run> Runs { get; } = [];

    public async Task<H2LoadResult> RunOnceAsync(Target target, int? requests = null)
    {
        var before = target.Completed?.Invoke() ?? 0;
        var result = await H2Load.RunAsync(settings with { BodyFile = target.BodyFile ?? "" }, target.Name, target.Url.ToString(), () => 0, requests, plainGet: target.BodyFile is null);
        var completed = 0L;
        if (target.Completed is not null)
        {
            // A log line is written as its request ends, so the last few may trail h2load's exit by a moment.
            for (var wait = 0; wait < 100 && (completed = target.Completed() - before) < result.Total; wait++)
            {
                await Task.Delay(20);
            }
        }

        var ok = result.Succeeded == result.Total && result.Failed == 0 && result.Errored == 0 && result.Timeout == 0
            && result.Status2xx == result.Total && result.StatusOther == 0 && (target.Completed is null || completed == result.Total);
        if (!ok)
        {
            problems.Add($"{target.Name}: {result.Succeeded}/{result.Total} succeeded, {result.Status2xx} 2xx, {result.StatusOther} other statuses, {result.Errored} errored, {result.Timeout} timed out"
                + (target.Completed is null ? "" : $", {completed} completed OK on the server"));
            Console.Error.WriteLine("FAILED: " + problems[^1]);
        }

        return result with { HandlerCalls = target.Completed is null ? -1 : completed };
    }

    /// <summary>Until two passes in a row agree within 10%: tiered JIT promotes the hot paths over several passes.</summary>
    public async Task WarmUpAsync(IEnumerable<Target> targets)
    {
        foreach (var target in targets)
        {
            var previous = 0.0;
            for (var pass = 1; pass <= options.WarmupPasses; pass++)
            {
                var warm = await RunOnceAsync(target, options.WarmupRequests);
                Out.Line($"  warm-up {pass} {target.Name,-44} {warm.RequestsPerSecond,9:N0} req/s, server {warm.CpuMicrosPerRequest,5:F1} µs CPU/req");
                if (pass >= 2 && Math.Abs(warm.RequestsPerSecond - previous) <= 0.1 * previous)
                {
                    break;
                }

                previous = warm.RequestsPerSecond;
            }
        }
    }

    /// <summary>Every target once per round; the order reverses each round, so drift (load from others, heap growth) hits all alike.</summary>
    public async Task RoundsAsync(string phase, IReadOnlyList<Target> targets)
    {
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var target in round % 2 == 1 ? targets : targets.Reverse())
            {
                var r = await RunOnceAsync(target);
                Runs.Add(new Run(phase, round, target, r));
                Out.Line($"  round {round} {target.Name,-44} {r.RequestsPerSecond,9:N0} req/s  p50 {Machine.Ms(r.P50Micros)}  p99 {Machine.Ms(r.P99Micros)}  " +
                    $"{r.Status2xx}/{r.Total} 2xx, {(r.HandlerCalls < 0 ? "-" : r.HandlerCalls.ToString(System.Globalization.CultureInfo.InvariantCulture))} counted OK, server {r.CpuMicrosPerRequest:F1} µs CPU + {r.AllocatedBytesPerRequest:N0} B/req");
            }
        }
    }

    /// <summary>The run with the median req/s of a target within a phase.</summary>
    public H2LoadResult Median(string phase, string key) =>
        Stats.MedianBy(Runs.Where(r => r.Phase == phase && r.Target.Key == key).Select(r => r.Result).ToList(), r => r.RequestsPerSecond);

    /// <summary>
    /// The median of one figure of a target's runs within a phase, taken on its own: server CPU and
    /// allocations per request vary less between runs than req/s, and the run with the median req/s
    /// need not be the one with the median CPU.
    /// </summary>
    public double MedianOf(string phase, string key, Func<H2LoadResult, double> figure)
    {
        var values = Runs.Where(r => r.Phase == phase && r.Target.Key == key).Select(r => figure(r.Result)).Order().ToArray();
        return values[(values.Length - 1) / 2];
    }

    /// <summary>
    /// req/s of <paramref name="numerator"/> over <paramref name="denominator"/> within each round,
    /// sorted. The two runs of a round sit next to each other in time, so a round's ratio is less
    /// exposed to load from other work on the machine than a ratio of medians.
    /// </summary>
    public double[] PairedRatios(string phase, string numerator, string denominator) =>
        Runs.Where(r => r.Phase == phase).GroupBy(r => r.Round)
            .Select(g => g.Single(r => r.Target.Key == numerator).Result.RequestsPerSecond / g.Single(r => r.Target.Key == denominator).Result.RequestsPerSecond)
            .Order()
            .ToArray();
}
