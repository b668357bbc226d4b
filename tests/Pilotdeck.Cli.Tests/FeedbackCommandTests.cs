using System.Text.Json;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary><c>pilotdeck feedback</c> against the real host: submit on a participant's behalf, list, and the cohort summary in each format.</summary>
public sealed class FeedbackCommandTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private static void Ok(CliResult result) => Assert.True(result.Exit == 0, result.ToString());

    [Fact]
    public async Task SubmitListAndSummary_AsAFacilitatorTypesThem()
    {
        using var cli = new CliRunner(fixture.Host.Address);
        Ok(await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword));
        var slug = "fbc-" + Guid.NewGuid().ToString("N")[..8];
        Ok(await cli.RunAsync("cohort", "create", slug, "--title", "Feedback"));
        var added = await cli.RunAsync("cohort", "add", "--cohort", slug, "--alias", "Lin", "-o", "json");
        Ok(added);
        var id = JsonDocument.Parse(added.Out).RootElement.GetProperty("participant_id").GetString()!;

        var submitted = await cli.RunAsync("feedback", "submit", "--participant", id, "--rating", "2", "--sentiment", "negative",
            "--highlight", "Quick setup", "--blocker", "CSV export fails", "--blocker", "No dark mode");
        Ok(submitted);
        Assert.Contains("Recorded feedback", submitted.Err);
        Ok(await cli.RunAsync("feedback", "submit", "--participant", id, "--rating", "4", "--sentiment", "positive", "--blocker", "Export to CSV fails!"));
        var bad = await cli.RunAsync("feedback", "submit", "--participant", id, "--rating", "6", "--sentiment", "meh");
        Assert.NotEqual(0, bad.Exit);
        Assert.Contains("rating", bad.Err);

        var list = await cli.RunAsync("feedback", "list", "--cohort", slug, "--sentiment", "negative", "-o", "json");
        Ok(list);
        Assert.Equal(1, JsonDocument.Parse(list.Out).RootElement.GetArrayLength());
        var markdown = await cli.RunAsync("feedback", "report", "--cohort", slug, "--format", "markdown");
        Ok(markdown);
        Assert.Contains($"# Feedback: cohort {slug}", markdown.Out);
        Assert.Contains("2 piece(s) of feedback, average rating 3.00 of 5.", markdown.Out);
        Assert.Matches(@"\| CSV export fails \| 2 \| 1 \|", markdown.Out);
        var json = await cli.RunAsync("feedback", "report", "--cohort", slug, "-o", "json");
        Ok(json);
        Assert.Equal(2, JsonDocument.Parse(json.Out).RootElement.GetProperty("total").GetInt32());
    }
}
