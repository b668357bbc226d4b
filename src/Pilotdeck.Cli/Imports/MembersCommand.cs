using System.CommandLine;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Policy;
using Pilotdeck.Contracts.Imports.V1;

namespace Pilotdeck.Cli.Imports;

/// <summary>
/// <c>pilotdeck members import FILE [--dry-run]</c>: the friendly form of
/// <c>pilotdeck imports create --kind identities FILE</c> (listing and editing members one by one
/// is <c>pilotdeck admin members</c>).
/// </summary>
public static class MembersCommand
{
    public static Command Create(ApiContext api)
    {
        var file = new Argument<FileInfo>("file") { Description = "A SCIM-style CSV export: userName, emails, givenName, familyName, active, roles." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan only: show what would change, change nothing." };
        var defaultRole = new Option<string?>("--default-role") { Description = "Role for rows without one (default VIEWER)." };
        var outDir = new Option<string>("--out-dir") { Description = "Where to save the error manifest and failed rows when rows are rejected.", DefaultValueFactory = _ => "." };
        var approval = ApprovalHeader.CreateOption();
        var import = new Command("import", "Create or update the tenant's members and roles from a CSV file (docs/imports.md).") { file, dryRun, defaultRole, outDir, approval };
        import.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, output, token) =>
        {
            var options = parse.GetValue(defaultRole) is { } role ? new Dictionary<string, string> { ["default_role"] = role } : [];
            var result = await ImportsCommand.Runner(client, parse, output, token)
                .RunAsync("identities", parse.GetValue(file)!.FullName, options, parse.GetValue(dryRun), ApprovalHeader.Of(parse, approval), parse.GetValue(outDir)!);
            return result.State == ImportState.Failed ? ExitCodes.For(Grpc.Core.StatusCode.Aborted) : ExitCodes.Ok;
        }, ct));
        return new Command("members", "The tenant's members in bulk (one by one: `pilotdeck admin members`).") { import };
    }
}
