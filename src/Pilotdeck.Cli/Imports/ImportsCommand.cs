using System.CommandLine;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Cli.Policy;
using Pilotdeck.Cli.Receipts;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Imports.V1;

namespace Pilotdeck.Cli.Imports;

/// <summary>
/// <c>pilotdeck imports create | plan | show | list | commit | rows | watch | manifest |
/// failed-rows | manifest-key | verify-manifest</c>: CSV imports of any kind (docs/imports.md).
/// </summary>
public static class ImportsCommand
{
    public static readonly Column<Import>[] Columns =
    [
        new("import_id", i => i.ImportId),
        new("kind", i => i.Kind),
        new("cohort", i => i.Options.TryGetValue("cohort", out var cohort) ? cohort : ""),
        new("state", i => i.State),
        new("source_file_name", i => i.SourceFileName),
        new("created", i => i.CreatedCount),
        new("updated", i => i.UpdatedCount),
        new("unchanged", i => i.UnchangedCount),
        new("rejected", i => i.RejectedCount),
        new("plan_hash", i => i.PlanHash, Wide: true),
        new("source_sha256", i => i.SourceSha256, Wide: true),
        new("failure", i => i.Failure),
        new("created_by", i => i.CreatedBy, Wide: true),
        new("create_time", i => i.CreateTime?.ToDateTimeOffset()),
    ];

    private static readonly Column<ImportRow>[] RowColumns =
    [
        new("row", r => r.RowNumber),
        new("outcome", r => r.Outcome),
        new("key", r => r.Key),
        new("field", r => r.Field),
        new("reason", r => r.Reason),
    ];

    public static Command Create(ApiContext api) => new("imports", "CSV imports: upload, dry-run plan, commit, error manifests (docs/imports.md).")
    {
        CreateImport(api),
        WithId(api, "plan", "Plan an import again against the current data (after IMPORT_PLAN_CHANGED).", async (client, id, parse, output, token) =>
            Show(parse, output, await Runner(client, parse, output, token).WatchAsync((await client.Imports.PlanImportAsync(new PlanImportRequest { ImportId = id }, cancellationToken: token)).Import))),
        WithId(api, "show", "Show an import: state, counts, plan hash.", async (client, id, parse, output, token) =>
            Show(parse, output, (await client.Imports.GetImportAsync(new GetImportRequest { ImportId = id }, cancellationToken: token)).Import)),
        WithId(api, "watch", "Follow an import's progress until it is planned, committed or failed.", async (client, id, parse, output, token) =>
            Show(parse, output, await Runner(client, parse, output, token).WatchAsync((await client.Imports.GetImportAsync(new GetImportRequest { ImportId = id }, cancellationToken: token)).Import))),
        List(api),
        Commit(api),
        Rows(api),
        Download(api, "manifest", "Save the signed error manifest (a DSSE envelope) of a plan with rejected rows.", async (client, id, token) =>
            System.Text.Encoding.UTF8.GetBytes((await client.Imports.GetImportManifestAsync(new GetImportManifestRequest { ImportId = id }, cancellationToken: token)).EnvelopeJson)),
        Download(api, "failed-rows", "Save the rejected rows as CSV with a reason column, ready to fix and re-import.", async (client, id, token) =>
            (await client.Imports.GetFailedRowsAsync(new GetFailedRowsRequest { ImportId = id }, cancellationToken: token)).Csv.ToByteArray()),
        ManifestKey(api),
        VerifyManifest(),
    };

    /// <summary>The runner for this invocation: progress on stderr, a bar when stderr is a terminal.</summary>
    public static ImportRunner Runner(PilotdeckClient client, ParseResult parse, TextWriter output, CancellationToken token) =>
        new(client, output, parse.InvocationConfiguration.Error, !Console.IsErrorRedirected && parse.InvocationConfiguration.Error == Console.Error, token);

    private static Command CreateImport(ApiContext api)
    {
        var kind = new Option<string>("--kind") { Description = "The importer, e.g. identities (GET /v1/importers lists them).", Required = true };
        var file = new Argument<FileInfo>("file") { Description = "The CSV file (UTF-8, with or without BOM)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan only: show what would change, change nothing." };
        var options = new Option<string[]>("--option") { Description = "An importer option as key=value (repeatable), e.g. default_role=VIEWER." };
        var outDir = new Option<string>("--out-dir") { Description = "Where to save the error manifest and failed rows when rows are rejected.", DefaultValueFactory = _ => "." };
        var approval = ApprovalHeader.CreateOption();
        var command = new Command("create", "Upload a CSV file, plan it and, unless --dry-run, commit the plan.") { kind, file, dryRun, options, outDir, approval };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, output, token) =>
        {
            var pairs = ParseOptions(parse.GetValue(options) ?? []);
            var import = await Runner(client, parse, output, token).RunAsync(parse.GetValue(kind)!, parse.GetValue(file)!.FullName, pairs, parse.GetValue(dryRun), ApprovalHeader.Of(parse, approval), parse.GetValue(outDir)!);
            return import.State == ImportState.Failed ? ExitCodes.For(Grpc.Core.StatusCode.Aborted) : ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command List(ApiContext api)
    {
        var kind = new Option<string?>("--kind") { Description = "Only imports of this kind." };
        var state = new Option<string?>("--state") { Description = "Only imports in this state." };
        state.AcceptOnlyFromAmong("uploaded", "planning", "planned", "committing", "committed", "failed");
        var limit = Paging.LimitOption("newest first", 50);
        var output = Renderer.CreateOption();
        var command = new Command("list", "List the tenant's imports, newest first.") { kind, state, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListImportsRequest { Kind = parse.GetValue(kind) ?? "", State = Enum.TryParse<ImportState>(parse.GetValue(state), true, out var s) ? s : ImportState.Unspecified };
            var imports = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                (request.PageSize, request.PageToken) = (size, pageToken);
                var page = await client.Imports.ListImportsAsync(request, cancellationToken: token);
                return (page.Imports.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), imports, Columns, "No imports.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Commit(ApiContext api)
    {
        var id = new Argument<string>("import-id");
        var planHash = new Option<string>("--plan-hash") { Description = "The plan hash of the dry-run you reviewed.", Required = true };
        var approval = ApprovalHeader.CreateOption();
        var command = new Command("commit", "Commit a planned import: applies only if the plan is still the one reviewed.") { id, planHash, approval };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, output, token) =>
        {
            var import = await Runner(client, parse, output, token).CommitAsync(parse.GetValue(id)!, parse.GetValue(planHash)!, ApprovalHeader.Of(parse, approval));
            return import.State == ImportState.Committed ? ExitCodes.Ok : ExitCodes.For(Grpc.Core.StatusCode.Aborted);
        }, ct));
        return command;
    }

    private static Command Rows(ApiContext api)
    {
        var id = new Argument<string>("import-id");
        var outcome = new Option<string?>("--outcome") { Description = "Only rows with this outcome." };
        outcome.AcceptOnlyFromAmong("created", "updated", "unchanged", "rejected");
        var limit = Paging.LimitOption("in file order", 100, " rows");
        var output = Renderer.CreateOption();
        var command = new Command("rows", "List the plan's rows: what each row of the file does.") { id, outcome, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListImportRowsRequest { ImportId = parse.GetValue(id)!, Outcome = Enum.TryParse<RowOutcome>(parse.GetValue(outcome), true, out var o) ? o : RowOutcome.Unspecified };
            var rows = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                (request.PageSize, request.PageToken) = (size, pageToken);
                var page = await client.Imports.ListImportRowsAsync(request, cancellationToken: token);
                return (page.Rows.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), rows, RowColumns, "No rows.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command ManifestKey(ApiContext api)
    {
        var output = new Option<FileInfo?>("--out") { Description = "Save the PEM here instead of printing it." };
        var command = new Command("manifest-key", "Print the installation's public key that signs import manifests (PEM), for offline verification.") { output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var key = await client.Imports.GetManifestKeyAsync(new GetManifestKeyRequest(), cancellationToken: token);
            await Save(parse, writer, parse.GetValue(output), System.Text.Encoding.UTF8.GetBytes(key.PublicKeyPem));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command VerifyManifest()
    {
        var file = new Argument<FileInfo>("file") { Description = "The manifest (DSSE envelope JSON) saved by `imports create` or `imports manifest`." };
        var key = new Option<FileInfo>("--key") { Description = "The installation's public key (PEM) from `imports manifest-key`.", Required = true };
        var command = new Command("verify-manifest", "Check offline that an import error manifest is signed by the installation's key and unchanged.") { file, key };
        command.SetAction(async (parse, ct) =>
        {
            var (verified, message) = ManifestVerification.Verify(await File.ReadAllTextAsync(parse.GetValue(file)!.FullName, ct), await File.ReadAllTextAsync(parse.GetValue(key)!.FullName, ct));
            (verified ? parse.InvocationConfiguration.Output : parse.InvocationConfiguration.Error).WriteLine(verified ? message : "NOT verified: " + message);
            return verified ? ExitCodes.Ok : ReceiptsCommand.NotVerified;
        });
        return command;
    }

    private static Command WithId(ApiContext api, string name, string description, Func<PilotdeckClient, string, ParseResult, TextWriter, CancellationToken, Task<int>> body)
    {
        var id = new Argument<string>("import-id");
        var output = Renderer.CreateOption();
        var command = new Command(name, description) { id, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, (client, _, writer, token) => body(client, parse.GetValue(id)!, parse, writer, token), ct));
        return command;
    }

    private static Command Download(ApiContext api, string name, string description, Func<PilotdeckClient, string, CancellationToken, Task<byte[]>> fetch)
    {
        var id = new Argument<string>("import-id");
        var output = new Option<FileInfo?>("--out") { Description = "Save to this file instead of printing." };
        var command = new Command(name, description) { id, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            await Save(parse, writer, parse.GetValue(output), await fetch(client, parse.GetValue(id)!, token));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static async Task Save(ParseResult parse, TextWriter writer, FileInfo? file, byte[] content)
    {
        if (file is null)
        {
            writer.Write(System.Text.Encoding.UTF8.GetString(content));
            return;
        }

        await File.WriteAllBytesAsync(file.FullName, content);
        parse.InvocationConfiguration.Error.WriteLine($"Saved {file.FullName}.");
    }

    private static int Show(ParseResult parse, TextWriter output, Import import)
    {
        var option = parse.CommandResult.Command.Options.OfType<Option<string>>().First(o => o.Name == "--output");
        Renderer.Record(output, Renderer.FormatOf(parse, option), import, Columns);
        return ExitCodes.Ok;
    }

    private static Dictionary<string, string> ParseOptions(IEnumerable<string> pairs)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var cut = pair.IndexOf('=');
            if (cut <= 0)
            {
                throw new CliException(ExitCodes.Usage, $"--option '{pair}' is not key=value.", "E.g. --option default_role=VIEWER.");
            }

            options[pair[..cut].Trim()] = pair[(cut + 1)..].Trim();
        }

        return options;
    }
}
