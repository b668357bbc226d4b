using System.Text.Json;
using System.Text.RegularExpressions;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// <c>pilotdeck jobs</c> against a real host whose imports all run as jobs: the run an import made
/// is listed by its import's id with what it did, retried, deleted; and bad ids are answered.
/// </summary>
public sealed class JobsCommandTests : IAsyncLifetime
{
    private PilotdeckTestHost _host = null!;

    public async Task InitializeAsync() => _host = await PilotdeckTestHost.StartAsync(["--Pilotdeck:Imports:JobThresholdBytes=10"]);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static void Ok(CliResult result) => Assert.True(result.Exit == 0, result.ToString());

    [Fact]
    public async Task ListRetryDelete_TheRunOfAnImport()
    {
        using var cli = new CliRunner(_host.Address);
        Ok(await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword));
        var file = Path.Combine(cli.ConfigHome, "people.csv");
        await File.WriteAllTextAsync(file, "userName,emails,givenName,familyName,active,roles\nann@jobs.example.com,,Ann,Lee,true,ANALYST\n");
        var dryRun = await cli.RunAsync("members", "import", file, "--dry-run");
        Ok(dryRun);
        var importId = Regex.Match(dryRun.Out, "imp_[0-9a-f]{32}").Value;

        // The import is planned inside the job; the run's row records the job's Succeeded just after
        // (beside the job server's transaction, JobRunRecorder), so a loaded machine may list it
        // still processing for a moment.
        var until = DateTime.UtcNow.AddSeconds(20);
        JsonElement run;
        while (true)
        {
            var listed = await cli.RunAsync("jobs", "list", "--name", importId, "-o", "json");
            Ok(listed);
            run = Assert.Single(JsonDocument.Parse(listed.Out).RootElement.EnumerateArray()).Clone();
            if (run.GetProperty("state").GetString() != "processing" || DateTime.UtcNow > until)
            {
                break;
            }

            await Task.Delay(200);
        }
        var jobId = run.GetProperty("job_id").GetString()!;
        Assert.Equal(("Import dry-run " + importId, "succeeded"), (run.GetProperty("name").GetString(), run.GetProperty("state").GetString()));
        Assert.Equal("1 row planned: 1 to create, 0 to update, 0 unchanged, 0 rejected", run.GetProperty("detail").GetString());

        var retried = await cli.RunAsync("jobs", "retry", jobId);
        Ok(retried);
        Assert.Contains($"Job {jobId} is queued again", retried.Err, StringComparison.Ordinal);
        var deleted = await cli.RunAsync("jobs", "delete", jobId, "-o", "json");
        Ok(deleted);
        Assert.Equal("deleted", JsonDocument.Parse(deleted.Out).RootElement.GetProperty("state").GetString());

        var failed = await cli.RunAsync("jobs", "list", "--state", "failed", "--name", importId);
        Ok(failed);
        Assert.Contains("No job runs match.", failed.Out + failed.Err, StringComparison.Ordinal);
        var unknown = await cli.RunAsync("jobs", "retry", "987654321");
        Assert.Equal(5, unknown.Exit);
        Assert.Contains("JOB_RUN_NOT_FOUND", unknown.Err, StringComparison.Ordinal);
    }
}
