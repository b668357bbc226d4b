using System.Text.Json;
using System.Text.RegularExpressions;
using Pilotdeck.Data;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// <c>pilotdeck rehearse</c> against the real host, on SQLite and PostgreSQL: the same seed gives
/// the same report bytes (after a purge), another seed another report; the report's backlog section
/// is what the backlog API holds; the purge takes only the
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
        Assert.DoesNotContain("Dry run: nothing was changed", first.Out); // the rehearsal commits the roster: no advice to commit it
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
        await BacklogWasRehearsedAsync(cli, text);

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

    /// <summary>
    /// The report's backlog section matches what the API holds after the second run (the first one's
    /// items went with the purge): the items per state add up, the plan's top items shipped in its
    /// release, the changelog has them, and every reporter has been told.
    /// </summary>
    private static async Task BacklogWasRehearsedAsync(CliRunner cli, string text)
    {
        var plan = Rehearsal.RehearsalPlan.Create(42, Participants, null, null);
        var items = await JsonOfAsync(cli, "backlog", "list", "--cohort", "pilot-demo", "-o", "json");
        var states = items.EnumerateArray().Select(i => i.GetProperty("state").GetString()!.ToLowerInvariant()).ToList();
        var section = text[text.IndexOf("\n## Backlog\n", StringComparison.Ordinal)..];
        Assert.Contains($"The blocker groups became {states.Count} backlog item(s)", section);
        foreach (var state in new[] { "open", "planned", "fixed", "shipped" })
        {
            Assert.Contains($"\n| {state} | {states.Count(s => s == state)} |\n", section);
        }

        var shipped = Math.Min(plan.Backlog.Shipped, states.Count);
        Assert.True(shipped > 0, section);
        Assert.Equal(shipped, states.Count(s => s == "shipped"));
        var changelog = await JsonOfAsync(cli, "backlog", "changelog", "--release", plan.Release, "--cohort", "pilot-demo", "-o", "json");
        Assert.Equal(shipped, changelog.GetProperty("entries").GetArrayLength());
        Assert.Contains($"Changelog {plan.Release}: {shipped} entr", section);
        // The top rows are the most reported items, shipped first.
        Assert.Matches(@"\| item \| state \| reports \| participants \|\n\| --- \| --- \| ---: \| ---: \|\n\| [^|\n]+ \| shipped \| \d+ \| \d+ \|\n", section);

        // Followups --notify ran for the release: nobody is left to tell.
        var again = await cli.RunAsync("followups", "--notify", "--cohort", "pilot-demo", "--release", plan.Release, "--dry-run");
        Ok(again);
        Assert.Contains("Dry run: 0 \"fixed\" message(s)", again.Err);
        Assert.Matches(@"queued [1-9]\d* ""fixed"" message\(s\) to [1-9]\d* participant\(s\)", section);
    }

    private static async Task<JsonElement> JsonOfAsync(CliRunner cli, params string[] args)
    {
        var result = await cli.RunAsync(args);
        Ok(result);
        return JsonDocument.Parse(result.Out).RootElement;
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
