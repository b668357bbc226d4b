using System.CommandLine;
using System.Text;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Imports;

namespace Pilotdeck.Cli.Rehearsal;

/// <summary>
/// <c>pilotdeck rehearse --cohort pilot-demo --seed 42 [--participants N] [--feedback N]
/// [--uat-sessions N] [--purge-existing] --report-path uat_dry_run_report.md</c>: a synthetic cohort
/// end to end through the real services, and a report that is the same bytes for the same seed and
/// options (docs/rehearsal.md).
/// </summary>
public static class RehearseCommand
{
    public static Command Create(ApiContext api)
    {
        var cohort = new Option<string>("--cohort") { Description = "The rehearsal cohort's slug, e.g. pilot-demo.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seeds every generated person, status, session, feedback and date.", Required = true };
        var participants = new Option<int>("--participants") { Description = "Participants in the roster.", DefaultValueFactory = _ => 40 };
        var feedback = new Option<int?>("--feedback") { Description = "Pieces of feedback (default: 1.5 per participant)." };
        var sessions = new Option<int?>("--uat-sessions") { Description = "UAT sessions (default: one per active or completed participant)." };
        var purge = new Option<bool>("--purge-existing") { Description = "First delete this rehearsal cohort if an earlier rehearsal made it (never a real cohort)." };
        var reportPath = new Option<string>("--report-path") { Description = "Where to write the markdown report.", DefaultValueFactory = _ => "uat_dry_run_report.md" };
        var command = new Command("rehearse", "Rehearse a pilot with a seeded synthetic cohort through the real services, and write a report.")
        {
            cohort, seed, participants, feedback, sessions, purge, reportPath,
        };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, output, token) =>
        {
            var slug = parse.GetValue(cohort)!;
            var seedValue = parse.GetValue(seed);
            if (parse.GetValue(participants) is < 1 or > 100_000 || parse.GetValue(feedback) is < 0 || parse.GetValue(sessions) is < 0)
            {
                throw new CliException(ExitCodes.Usage, "--participants must be 1 to 100,000, and --feedback and --uat-sessions not negative.");
            }

            var report = Path.GetFullPath(parse.GetValue(reportPath)!);
            var workDirectory = Path.GetDirectoryName(report)!;
            Directory.CreateDirectory(workDirectory);
            var plan = RehearsalPlan.Create(seedValue, parse.GetValue(participants), parse.GetValue(feedback), parse.GetValue(sessions));
            var run = new RehearsalRun(client, ImportsCommand.Runner(client, parse, output, token), output, token);
            if (parse.GetValue(purge))
            {
                await run.PurgeAsync(slug);
            }

            var results = await run.RunAsync(slug, seedValue, plan, workDirectory);
            await File.WriteAllTextAsync(report, RehearsalReport.Render(slug, seedValue, plan, results), new UTF8Encoding(false), token);
            output.WriteLine($"report: {report}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
