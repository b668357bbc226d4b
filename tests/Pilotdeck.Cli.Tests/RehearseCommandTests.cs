using System.Text.Json;
using System.Text.RegularExpressions;
using Pilotdeck.Data;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// <c>pilotdeck rehearse</c> against the real host, on SQLite and PostgreSQL: the same seed gives
/// the same report bytes (after a purge), another seed another report; the purge takes only the
/// rehearsal cohort — a real cohort and another tenant's cohort of the same slug stay — and refuses
/// a cohort no rehearsal made.
/// </summary>
public abstract class RehearseCommandTests : IAsyncLifetime
{
    private const int Participants = 24;

    private PilotdeckTestHost _host = null!;

    protected abstract DatabaseProvider Provider { get; }

    public async Task InitializeAsync() => _host = await PilotdeckTestHost.StartAsync(provider: Provider);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static void Ok(CliResult result) => Assert.True(result.Exit == 0, result.ToString());

    [Fact]
    public async Task SameSeedSameReport_PurgeTakesOnlyTheRehearsal()
    {
        var (acmeOwner, _, _, _) = await _host.AddTenantAsync("acme", "Acme Corp");
        using var cli = new CliRunner(_host.Address);
        using var acme = new CliRunner(_host.Address);
        Ok(await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword));
        Ok(await acme.RunAsync("login", "--email", acmeOwner, "--password", PilotdeckTestHost.OwnerPassword));
        var work = Directory.CreateTempSubdirectory("pilotdeck-rehearse-").FullName;
        string Report(string name) => Path.Combine(work, name);
        string[] Rehearse(int seed, string report, params string[] more) =>
            ["rehearse", "--cohort", "pilot-demo", "--seed", $"{seed}", "--participants", $"{Participants}", "--report-path", Report(report), .. more];

        // A real cohort beside it, and another tenant's rehearsal under the same slug.
        Ok(await cli.RunAsync("cohort", "create", "fall-2025", "--title", "Real pilot"));
        Ok(await cli.RunAsync("cohort", "add", "--cohort", "fall-2025", "--email", "lin@example.com", "--alias", "Lin"));
        Ok(await acme.RunAsync("rehearse", "--cohort", "pilot-demo", "--seed", "42", "--participants", "10", "--report-path", Report("acme.md")));

        var first = await cli.RunAsync(Rehearse(42, "first.md"));
        Ok(first);
        Assert.Contains("roster: imported", first.Out);
        Assert.Contains("feedback: 36 piece(s) submitted", first.Out);
        var again = await cli.RunAsync(Rehearse(42, "again.md"));
        Assert.NotEqual(0, again.Exit);
        Assert.Contains("COHORT_EXISTS", again.Err);

        var second = await cli.RunAsync(Rehearse(42, "second.md", "--purge-existing"));
        Ok(second);
        Assert.Contains($"purge: deleted rehearsal cohort pilot-demo: {Participants} participant(s)", second.Out);
        var report = await File.ReadAllBytesAsync(Report("first.md"));
        Assert.Equal(report, await File.ReadAllBytesAsync(Report("second.md")));
        var text = System.Text.Encoding.UTF8.GetString(report);
        Assert.Contains("# UAT dry run: pilot-demo (seed 42)", text);
        Assert.Contains($"Roster import (dry run, then commit): {Participants + 2} row(s), {Participants} created, 0 updated, 0 unchanged, 2 rejected.", text);
        Assert.Contains($"| total | {Participants} | |", text);
        Assert.Contains("36 piece(s) of feedback", text);
        // The CSV export problem, reported in several wordings, is one blocker with its other wordings beside it.
        Assert.True(Regex.IsMatch(text, @"\n\| (CSV export times out|csv export times out!|Export to CSV times out|The CSV export times out|CSV exporrt times out) \| \d+ \| \d+ \| [^|\n]*(times out|exporrt)"), text);
        Assert.Contains("## Follow-up queue", text);
        Assert.Contains("Not rehearsed yet: the iteration backlog (`pilotdeck.backlog.v1`)", text);

        Ok(await cli.RunAsync(Rehearse(7, "other.md", "--purge-existing")));
        Assert.NotEqual(report, await File.ReadAllBytesAsync(Report("other.md")));

        // The real cohort and the other tenant's rehearsal are untouched; the purges left receipts.
        Assert.Single(JsonDocument.Parse((await cli.RunAsync("cohort", "list", "--cohort", "fall-2025", "-o", "json")).Out).RootElement.EnumerateArray());
        var acmeRoster = await acme.RunAsync("cohort", "list", "--cohort", "pilot-demo", "--limit", "100", "-o", "json");
        Ok(acmeRoster);
        Assert.Equal(10, JsonDocument.Parse(acmeRoster.Out).RootElement.GetArrayLength());
        var receipts = await cli.RunAsync("receipts", "list", "--subject", "cohorts/pilot-demo", "--action", "/pilotdeck.cohorts.v1.CohortsService/PurgeCohort", "-o", "json");
        Ok(receipts);
        Assert.Equal(2, JsonDocument.Parse(receipts.Out).RootElement.GetArrayLength());

        // A cohort no rehearsal made is refused, and keeps its participant.
        var refused = await cli.RunAsync("rehearse", "--cohort", "fall-2025", "--seed", "1", "--purge-existing", "--report-path", Report("refused.md"));
        Assert.NotEqual(0, refused.Exit);
        Assert.Contains("COHORT_NOT_REHEARSAL", refused.Err);
        Assert.Single(JsonDocument.Parse((await cli.RunAsync("cohort", "list", "--cohort", "fall-2025", "-o", "json")).Out).RootElement.EnumerateArray());
        Assert.False(File.Exists(Report("refused.md")));
        Directory.Delete(work, recursive: true);
    }
}

public sealed class SqliteRehearseCommandTests : RehearseCommandTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresRehearseCommandTests : RehearseCommandTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
