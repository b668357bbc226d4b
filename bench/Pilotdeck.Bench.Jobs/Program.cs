using System.Diagnostics;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;

// Embedded job storage candidates, measured the way Pilotdeck uses them (docs/adr/0010): enqueue a
// backlog of no-op jobs, then let a 2-worker server drain it; then, with the server idle and
// running, enqueue jobs one by one (20 a second) and time each from enqueue to start (p50/p99);
// then, for the persistent stores, schedule a job, drop the storage and open it again to see the
// job survive. Not a test: numbers.
// Usage: dotnet run -c Release --project bench/Pilotdeck.Bench.Jobs [-- JOBS]
//        (PILOTDECK_TEST_POSTGRES set: PostgreSQL too, in a schema of its own that is dropped after)
var jobs = args.Length > 0 ? int.Parse(args[0]) : 500;
GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
    .UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();

var directory = Path.Combine(Path.GetTempPath(), "pilotdeck-bench-jobs-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(directory);
var sqlitePath = Path.Combine(directory, "jobs.db");
var poll = TimeSpan.FromSeconds(1);
var candidates = new List<(string Name, Func<JobStorage> Open)>
{
    ("Hangfire.Storage.SQLite 0.4.3", () => new SQLiteStorage(sqlitePath, new SQLiteStorageOptions { QueuePollInterval = poll })),
    ("Hangfire.InMemory 1.0.0", () => new InMemoryStorage()),
};
var postgres = Environment.GetEnvironmentVariable("PILOTDECK_TEST_POSTGRES");
var schema = "bench_jobs_" + Guid.NewGuid().ToString("N")[..8];
if (!string.IsNullOrEmpty(postgres))
{
    var options = new PostgreSqlStorageOptions { SchemaName = schema, QueuePollInterval = poll };
    candidates.Add(("Hangfire.PostgreSql 1.21.1 (reference)", () => new PostgreSqlStorage(new NpgsqlConnectionFactory(postgres, options), options)));
}

Console.WriteLine($"{jobs} no-op jobs, 2 workers, {Environment.ProcessorCount} cores");
Console.WriteLine($"| storage | enqueue (jobs/s) | drain (jobs/s) | enqueue→start p50 / p99 ({LatencyProbe.Jobs} jobs, queue poll {poll.TotalSeconds:0.#} s) | scheduled job after reopen |");
Console.WriteLine("| --- | ---: | ---: | ---: | --- |");
foreach (var (name, open) in candidates)
{
    var storage = open();
    var client = new BackgroundJobClient(storage);
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < jobs; i++)
    {
        client.Enqueue(() => Noop.Run(i));
    }

    var enqueueRate = jobs / clock.Elapsed.TotalSeconds;
    clock.Restart();
    double drainRate;
    string latency;
    using (new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = 2, SchedulePollingInterval = poll }, storage))
    {
        var monitoring = storage.GetMonitoringApi();
        while (monitoring.SucceededListCount() < jobs)
        {
            Thread.Sleep(20);
        }

        drainRate = jobs / clock.Elapsed.TotalSeconds;
        latency = LatencyProbe.Measure(client);
    }

    var scheduled = client.Schedule(() => Noop.Run(-1), TimeSpan.FromHours(1));
    (storage as IDisposable)?.Dispose();
    using var connection = open().GetConnection();
    var survived = connection.GetStateData(scheduled)?.Name ?? "lost";
    Console.WriteLine($"| {name} | {enqueueRate:0} | {drainRate:0} | {latency} | {survived} |");
}

if (!string.IsNullOrEmpty(postgres))
{
    await using var connection = new Npgsql.NpgsqlConnection(postgres);
    await connection.OpenAsync();
    await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA \"{schema}\" CASCADE", connection);
    await drop.ExecuteNonQueryAsync();
}

Directory.Delete(directory, recursive: true);

public static class Noop
{
    public static void Run(int i)
    {
    }
}

/// <summary>Enqueues jobs one at a time on an idle server; each records how long after its enqueue it started.</summary>
public static class LatencyProbe
{
    public const int Jobs = 100;

    private static readonly System.Collections.Concurrent.ConcurrentQueue<double> StartedAfterMs = new();

    public static void Started(long enqueuedTimestamp) =>
        StartedAfterMs.Enqueue(Stopwatch.GetElapsedTime(enqueuedTimestamp).TotalMilliseconds);

    public static string Measure(IBackgroundJobClient client)
    {
        StartedAfterMs.Clear();
        for (var i = 0; i < Jobs; i++)
        {
            var now = Stopwatch.GetTimestamp();
            client.Enqueue(() => Started(now));
            Thread.Sleep(50);
        }

        var deadline = Stopwatch.StartNew();
        while (StartedAfterMs.Count < Jobs && deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(20);
        }

        var sorted = StartedAfterMs.Order().ToArray();
        if (sorted.Length < Jobs)
        {
            return $"only {sorted.Length}/{Jobs} started";
        }

        double Percentile(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return $"{Percentile(0.50):0} ms / {Percentile(0.99):0} ms";
    }
}
