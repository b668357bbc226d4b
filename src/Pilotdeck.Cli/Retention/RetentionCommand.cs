using System.CommandLine;
using System.Text.RegularExpressions;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Cli.Policy;
using Pilotdeck.Contracts.Retention.V1;

namespace Pilotdeck.Cli.Retention;

/// <summary>
/// <c>pilotdeck retention show|set|run</c> and <c>pilotdeck data-subject-erase</c>: how long the tenant
/// keeps participants' personal data, removing what is past its window, and erasing one participant on
/// request (docs/data-governance.md). Admins only.
/// </summary>
public static partial class RetentionCommand
{
    private static readonly DataClass[] Classes =
        [DataClass.FeedbackText, DataClass.SessionText, DataClass.Attachments, DataClass.OutreachNotes, DataClass.FollowupHistory, DataClass.ImportFiles];

    private static readonly Column<RetentionWindow>[] WindowColumns =
    [
        new("data_class", w => NameOf(w.DataClass)),
        new("days", w => w.Days),
        new("default_days", w => w.DefaultDays),
        new("overridden", w => w.Overridden),
        new("treatment", w => w.Treatment),
    ];

    private static readonly Column<ErasedCount>[] CountColumns =
    [
        new("data_class", c => NameOf(c.DataClass)),
        new("records", c => c.Records),
        new("treatment", c => c.Treatment),
        new("count", c => c.Count),
    ];

    public static Command Create(ApiContext api) => new("retention", "How long participants' personal data is kept, per data class, and removing what is past its window (admins).")
    {
        Show(api),
        Set(api),
        Run(api),
    };

    /// <summary>The name a class goes by in the CLI and the docs: FeedbackText → feedback-text.</summary>
    public static string NameOf(DataClass dataClass) => WordStart().Replace(dataClass.ToString(), "-$1").ToLowerInvariant();

    private static Command Show(ApiContext api)
    {
        var output = Renderer.CreateOption();
        var command = new Command("show", "Show the window of every data class: the tenant's own where set, else the installation's default.") { output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var policy = await client.Retention.GetRetentionPolicyAsync(new GetRetentionPolicyRequest(), cancellationToken: token);
            Renderer.List(writer, Renderer.FormatOf(parse, output), policy.Windows, WindowColumns);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Set(ApiContext api)
    {
        var options = Classes.ToDictionary(c => c, c => new Option<int?>("--" + NameOf(c)) { Description = $"Keep {NameOf(c)} this many days (1–3650); 0 returns it to the installation's default." });
        var output = Renderer.CreateOption();
        var command = new Command("set", "Set the tenant's window of one or more data classes, e.g. `--attachments 90 --session-text 0`.") { output };
        foreach (var option in options.Values)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new UpdateRetentionPolicyRequest();
            request.Windows.AddRange(options.Where(o => parse.GetValue(o.Value) is not null)
                .Select(o => new RetentionWindowChange { DataClass = o.Key, Days = parse.GetValue(o.Value)!.Value }));
            if (request.Windows.Count == 0)
            {
                throw new CliException(ExitCodes.Usage, "Name at least one class: " + string.Join(", ", Classes.Select(c => $"--{NameOf(c)} DAYS")) + ".");
            }

            var saved = await client.Retention.UpdateRetentionPolicyAsync(request, cancellationToken: token);
            Renderer.List(writer, Renderer.FormatOf(parse, output), saved.Windows, WindowColumns);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Run(ApiContext api)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Only count what would go, per data class; change nothing." };
        var approval = ApprovalHeader.CreateOption();
        var output = Renderer.CreateOption();
        var command = new Command("run", "Remove (or anonymise) every data class's data older than its window now, as the daily job does.") { dryRun, approval, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var result = await client.Retention.RunRetentionAsync(new RunRetentionRequest { DryRun = parse.GetValue(dryRun) }, ApprovalHeader.Of(parse, approval), cancellationToken: token);
            Renderer.List(writer, Renderer.FormatOf(parse, output), result.Counts, CountColumns);
            var total = result.Counts.Sum(c => c.Count);
            parse.InvocationConfiguration.Error.WriteLine(result.DryRun
                ? $"Dry run: {total} record(s) are past their window; nothing was changed. Run without --dry-run to remove them."
                : $"{total} record(s) removed or anonymised; receipt subject {result.ReceiptSubject}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary><c>pilotdeck data-subject-erase --participant UUID</c>: a top-level command, beside the export of the same person's data.</summary>
    public static Command Erase(ApiContext api)
    {
        var participant = new Option<string>("--participant") { Description = "The participant's UUID.", Required = true };
        var approval = ApprovalHeader.CreateOption();
        var output = Renderer.CreateOption();
        var command = new Command("data-subject-erase", "Erase a participant's personal data on their request (profile, notes, follow-ups, feedback text, session text, attachments); receipts stay. Cannot be undone.")
        {
            participant, approval, output,
        };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var erased = await client.Retention.EraseParticipantAsync(new EraseParticipantRequest { ParticipantId = parse.GetValue(participant)! }, ApprovalHeader.Of(parse, approval), cancellationToken: token);
            Renderer.List(writer, Renderer.FormatOf(parse, output), erased.Counts, CountColumns);
            parse.InvocationConfiguration.Error.WriteLine($"Participant {erased.ParticipantId} erased at {erased.EraseTime.ToDateTimeOffset():u}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    [GeneratedRegex("(?<=[a-z])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex WordStart();
}
