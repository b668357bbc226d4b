using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Pilotdeck.Bench.Common;

/// <summary>h2load settings shared by every run, so both targets see identical load: the load, the installed h2load, the body to send.</summary>
public sealed record H2LoadSettings(string Executable, H2LoadOptions Load, string BodyFile);

/// <summary>One h2load run, parsed, plus what it cost the server process.</summary>
public sealed record H2LoadResult(
    string Target,
    double RequestsPerSecond,
    long Total,
    long Succeeded,
    long Failed,
    long Errored,
    long Timeout,
    long Status2xx,
    long StatusOther,
    double P50Micros,
    double P99Micros,
    double MeanMicros,
    ProcessCost ServerCost,
    long HandlerCalls)
{
    public double CpuMicrosPerRequest => ServerCost.Cpu.TotalMicroseconds / Total;

    public double AllocatedBytesPerRequest => (double)ServerCost.AllocatedBytes / Total;

    /// <summary>True when every request got a 2xx and reached the handler: a benchmark of failures measures nothing.</summary>
    public bool AllSucceeded => Succeeded == Total && Failed == 0 && Errored == 0 && Timeout == 0 && Status2xx == Total && StatusOther == 0 && HandlerCalls == Total;
}

public static partial class H2Load
{
    public static string? Find(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? explicitPath : null;
        }

        if (File.Exists("/usr/bin/h2load"))
        {
            return "/usr/bin/h2load";
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "h2load"))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Runs h2load against <paramref name="url"/> with prior-knowledge h2c (h2load's default for
    /// http:// URIs), POSTing the framed request with gRPC's headers. Per-request timings come from
    /// --log-file, since h2load itself prints only min/max/mean/sd. <paramref name="extraHeaders"/>
    /// ("name: value") are sent on every request of this run only, e.g. an authorization header.
    /// With <paramref name="plainGet"/>, h2load sends a bodiless GET without the gRPC headers
    /// instead (an HTTP/JSON route over the same h2c connection settings); with a
    /// <paramref name="contentType"/> other than gRPC's, it POSTs the body file as that type (a JSON route).
    /// </summary>
    public static async Task<H2LoadResult> RunAsync(H2LoadSettings settings, string target, string url, Func<long> handlerCalls, int? requestsOverride = null, IReadOnlyList<string>? extraHeaders = null, bool plainGet = false,
        string contentType = "application/grpc")
    {
        var requests = requestsOverride ?? settings.Load.Requests;
        var logFile = Path.Combine(Path.GetTempPath(), $"pilotdeck-bench-h2load-{Environment.ProcessId}.log");
        File.Delete(logFile);
        var arguments = new List<string>
        {
            "-n", requests.ToString(CultureInfo.InvariantCulture),
            "-c", settings.Load.Connections.ToString(CultureInfo.InvariantCulture),
            "-m", settings.Load.Streams.ToString(CultureInfo.InvariantCulture),
            "-t", settings.Load.Threads.ToString(CultureInfo.InvariantCulture),
        };
        if (!plainGet)
        {
            // -d makes h2load POST the file.
            arguments.AddRange(["-d", settings.BodyFile, "-H", "content-type: " + contentType]);
            if (contentType.StartsWith("application/grpc", StringComparison.Ordinal))
            {
                arguments.AddRange(["-H", "te: trailers"]);
            }
        }

        foreach (var header in extraHeaders ?? [])
        {
            arguments.Add("-H");
            arguments.Add(header);
        }

        arguments.Add("--log-file=" + logFile);
        arguments.Add(url);

        var callsBefore = handlerCalls();
        var before = ProcessCost.Now();
        var output = await RunProcessAsync(settings.Executable, arguments, TimeSpan.FromMinutes(5));
        var cost = ProcessCost.Now() - before;
        var calls = handlerCalls() - callsBefore;
        // A counter fed by asynchronous log sinks can trail the last response by a few milliseconds.
        for (var waited = 0; calls < requests && waited < 5_000; waited += 50)
        {
            await Task.Delay(50);
            calls = handlerCalls() - callsBefore;
        }

        var finished = FinishedLine().Match(output);
        var counts = RequestsLine().Match(output);
        var codes = StatusLine().Match(output);
        if (!finished.Success || !counts.Success || !codes.Success)
        {
            throw new InvalidOperationException($"Could not parse h2load output:\n{output}");
        }

        var latencies = ReadLatencies(logFile);
        File.Delete(logFile);
        Array.Sort(latencies);
        long Count(Match m, int group) => long.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
        return new H2LoadResult(
            target,
            double.Parse(finished.Groups[1].Value, CultureInfo.InvariantCulture),
            Count(counts, 1),
            Count(counts, 4),
            Count(counts, 5),
            Count(counts, 6),
            Count(counts, 7),
            Count(codes, 1),
            Count(codes, 2) + Count(codes, 3) + Count(codes, 4),
            Stats.Percentile(latencies, 50),
            Stats.Percentile(latencies, 99),
            latencies.Length == 0 ? double.NaN : latencies.Average(),
            cost,
            calls);
    }

    /// <summary>h2load's log: one line per request, "start (µs since epoch) TAB status TAB duration (µs)".</summary>
    private static double[] ReadLatencies(string logFile)
    {
        var latencies = new List<double>();
        foreach (var line in File.ReadLines(logFile))
        {
            var fields = line.Split('\t');
            if (fields.Length >= 3 && double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var micros))
            {
                latencies.Add(micros);
            }
        }

        return latencies.ToArray();
    }

    public static async Task<string> RunProcessAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} did not finish within {timeout}.");
        }

        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{executable} exited with {process.ExitCode}:\n{output}");
        }

        return output;
    }

    [GeneratedRegex(@"finished in [\d.]+\w*s, ([\d.]+) req/s")]
    private static partial Regex FinishedLine();

    [GeneratedRegex(@"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx")]
    private static partial Regex StatusLine();
}
