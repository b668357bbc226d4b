using System.Globalization;
using Npgsql;

namespace Pilotdeck.Bench.Api;

/// <summary>
/// CPU time of the local PostgreSQL cluster (postmaster and its children: the backends serving
/// the pool's connections), read from /proc. On 2 cores the database competes with the server and
/// h2load for CPU, so its cost per request is part of the picture. Backends that exit during a run
/// take their CPU time with them; the pool keeps its connections open, so that is rare.
/// </summary>
internal sealed class PostgresCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly int _postmaster;

    private PostgresCpu(int postmaster) => _postmaster = postmaster;

    public static async Task<PostgresCpu?> TryCreateAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
            var backend = Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            return ReadStat(backend) is { } stat ? new PostgresCpu(stat.ParentPid) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NpgsqlException)
        {
            return null;
        }
    }

    public TimeSpan Now()
    {
        double ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ReadStat(pid) is { } stat
                && (pid == _postmaster || stat.ParentPid == _postmaster))
            {
                ticks += stat.CpuTicks;
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>/proc/PID/stat: "pid (comm) state ppid ... utime(14) stime(15) ..."; comm may hold spaces, so split after its ')'.</summary>
    private static (int ParentPid, long CpuTicks)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is state (field 3), so field N is fields[N - 3].
            return (int.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
