using System.CommandLine;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Imports;
using Pilotdeck.Cli.Policy;
using Pilotdeck.Contracts.Imports.V1;

namespace Pilotdeck.Cli.Cohorts;

/// <summary>
/// <c>pilotdeck cohort import FILE --cohort SLUG [--channel] [--locale] [--status] [--source] [--dry-run]</c>:
/// the runbook's form of <c>pilotdeck imports create --kind roster FILE</c>.
/// </summary>
public static class RosterImport
{
    public static Command Create(ApiContext api)
    {
        var file = new Argument<FileInfo>("file") { Description = "A roster CSV: alias, email, phone, locale, status, source, channel, tags (a|b), consent (docs/imports.md)." };
        var cohort = new Option<string?>("--cohort") { Description = "The cohort's slug, for rows without a cohort column." };
        var channel = new Option<string?>("--channel") { Description = "Channel of new participants whose row has none (default: the cohort's)." };
        var locale = new Option<string?>("--locale") { Description = "Locale of new participants whose row has none (default: the cohort's)." };
        var status = new Option<string?>("--status") { Description = "Status of new participants whose row has none (default: invited)." };
        var source = new Option<string?>("--source") { Description = "Source of new participants whose row has none (default: import)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan only: show what would change, change nothing." };
        var outDir = new Option<string>("--out-dir") { Description = "Where to save the error manifest and failed rows when rows are rejected.", DefaultValueFactory = _ => "." };
        var approval = ApprovalHeader.CreateOption();
        var command = new Command("import", "Create or update a cohort's participants from a CSV file; bad rows are rejected with reasons, the rest import.")
        {
            file, cohort, channel, locale, status, source, dryRun, outDir, approval,
        };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, output, token) =>
        {
            var options = new Dictionary<string, string>();
            foreach (var (name, option) in new[] { ("cohort", cohort), ("channel", channel), ("locale", locale), ("status", status), ("source", source) })
            {
                if (parse.GetValue(option) is { Length: > 0 } value)
                {
                    options[name] = value;
                }
            }

            var result = await ImportsCommand.Runner(client, parse, output, token)
                .RunAsync("roster", parse.GetValue(file)!.FullName, options, parse.GetValue(dryRun), ApprovalHeader.Of(parse, approval), parse.GetValue(outDir)!);
            return result.State == ImportState.Failed ? ExitCodes.For(Grpc.Core.StatusCode.Aborted) : ExitCodes.Ok;
        }, ct));
        return command;
    }
}
