using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Cohorts;
using Pilotdeck.Cli.Output;
using Pilotdeck.Contracts.Backlog.V1;

namespace Pilotdeck.Cli.Backlog;

/// <summary>
/// <c>pilotdeck backlog list|show|create|update|promote|merge|changelog</c>: a cohort's iteration
/// backlog — blockers promoted into owned items that move open → planned → fixed → shipped — and a
/// release's changelog naming the participants who reported each fix (docs/backlog.md).
/// </summary>
public static class BacklogCommand
{
    private static readonly string[] States = ["open", "planned", "fixed", "shipped"];

    private static readonly Column<BacklogItem>[] ItemColumns =
    [
        new("item_id", i => i.ItemId),
        new("cohort", i => i.Cohort),
        new("title", i => i.Title),
        new("state", i => i.State),
        new("owner", i => i.Owner),
        new("target_release", i => i.TargetRelease),
        new("participants", i => i.ParticipantIds.Count),
        new("feedback", i => i.FeedbackIds.Count),
        new("merged_into", i => i.MergedInto),
    ];

    private static readonly Column<BacklogItem>[] DetailColumns =
    [
        .. ItemColumns,
        new("description", i => i.Description),
        new("participant_ids", i => i.ParticipantIds.ToList()),
        new("feedback_ids", i => i.FeedbackIds.ToList()),
        new("blocker_key", i => i.BlockerKey),
        new("ship_time", i => i.ShipTime?.ToDateTimeOffset()),
        new("announce_time", i => i.AnnounceTime?.ToDateTimeOffset()),
        new("update_time", i => i.UpdateTime?.ToDateTimeOffset()),
    ];

    private static readonly Column<ChangelogEntry>[] ChangelogColumns =
    [
        new("item_id", e => e.ItemId),
        new("cohort", e => e.Cohort),
        new("title", e => e.Title),
        new("participant_ids", e => e.ParticipantIds.ToList()),
        new("ship_time", e => e.ShipTime?.ToDateTimeOffset()),
    ];

    public static Command Create(ApiContext api) => new("backlog", "A cohort's iteration backlog: blockers become owned items; shipping them writes the release's changelog.")
    {
        List(api), Show(api), CreateItem(api), Update(api), Promote(api), Merge(api), Changelog(api),
    };

    private static Command List(ApiContext api)
    {
        var cohort = CohortCommand.CohortOption(required: true);
        var state = new Option<string[]>("--state") { Description = "Only these states (repeatable).", AllowMultipleArgumentsPerToken = true };
        state.AcceptOnlyFromAmong(States);
        var owner = new Option<string?>("--owner") { Description = "Only items of this owner (user id)." };
        var release = new Option<string?>("--release") { Description = "Only items for this target release." };
        var merged = new Option<bool>("--include-merged") { Description = "Also list items merged into others." };
        var limit = Paging.LimitOption("oldest first", 200);
        var output = FormatOption();
        var command = new Command("list", "List a cohort's backlog items, oldest first.") { cohort, state, owner, release, merged, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListBacklogItemsRequest
            {
                Cohort = parse.GetValue(cohort)!, Owner = parse.GetValue(owner) ?? "", TargetRelease = parse.GetValue(release) ?? "", IncludeMerged = parse.GetValue(merged),
            };
            request.States.AddRange((parse.GetValue(state) ?? []).Select(StateOf));
            var items = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                request.PageSize = size;
                request.PageToken = pageToken;
                var page = await client.Backlog.ListBacklogItemsAsync(request, cancellationToken: token);
                return (page.Items.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), items, ItemColumns, "The backlog is empty: `pilotdeck backlog promote --cohort <slug>` turns reported blockers into items.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Show(ApiContext api)
    {
        var id = new Argument<string>("item-id") { Description = "The item's id." };
        var output = FormatOption();
        var command = new Command("show", "One backlog item with its linked participants and feedback.") { id, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var item = (await client.Backlog.GetBacklogItemAsync(new GetBacklogItemRequest { ItemId = parse.GetValue(id)! }, cancellationToken: token)).Item;
            Renderer.Record(writer, Renderer.FormatOf(parse, output), item, DetailColumns);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command CreateItem(ApiContext api)
    {
        var cohort = CohortCommand.CohortOption(required: true);
        var title = new Option<string>("--title") { Description = "What is wrong, in a line.", Required = true };
        var fields = new ItemOptions();
        var output = FormatOption();
        var command = new Command("create", "Add an item to a cohort's backlog (state open).") { cohort, title, output };
        fields.AddTo(command, withState: false);
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var item = new BacklogItem { Cohort = parse.GetValue(cohort)!, Title = parse.GetValue(title)! };
            fields.Fill(parse, item);
            var created = (await client.Backlog.CreateBacklogItemAsync(new CreateBacklogItemRequest { RequestId = Guid.NewGuid().ToString(), Item = item }, cancellationToken: token)).Item;
            Renderer.Record(writer, Renderer.FormatOf(parse, output), created, DetailColumns);
            parse.InvocationConfiguration.Error.WriteLine($"Created backlog item {created.ItemId} in {created.Cohort}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Update(ApiContext api)
    {
        var id = new Argument<string>("item-id") { Description = "The item's id." };
        var title = new Option<string?>("--title") { Description = "A new title." };
        var fields = new ItemOptions();
        var output = FormatOption();
        var command = new Command("update", "Change an item: only the options given change; --state moves one step (open → planned → fixed → shipped); shipping needs a release.") { id, title, output };
        fields.AddTo(command, withState: true);
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var item = new BacklogItem { ItemId = parse.GetValue(id)!, Title = parse.GetValue(title) ?? "" };
            var mask = new Google.Protobuf.WellKnownTypes.FieldMask();
            if (parse.GetValue(title) is not null)
            {
                mask.Paths.Add("title");
            }

            mask.Paths.AddRange(fields.Fill(parse, item));
            if (mask.Paths.Count == 0)
            {
                parse.InvocationConfiguration.Error.WriteLine("Nothing to change: give at least one of --title, --description, --state, --owner, --release, --participant, --feedback.");
                return ExitCodes.Usage;
            }

            var updated = (await client.Backlog.UpdateBacklogItemAsync(new UpdateBacklogItemRequest { Item = item, UpdateMask = mask }, cancellationToken: token)).Item;
            Renderer.Record(writer, Renderer.FormatOf(parse, output), updated, DetailColumns);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Promote(ApiContext api)
    {
        var cohort = CohortCommand.CohortOption(required: true);
        var output = FormatOption();
        var command = new Command("promote", "Turn the cohort's grouped blockers into backlog items, one per group; running it again adds new reports to the same items.") { cohort, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var promoted = await client.Backlog.PromoteBlockersAsync(new PromoteBlockersRequest { Cohort = parse.GetValue(cohort)! }, cancellationToken: token);
            Renderer.List(writer, Renderer.FormatOf(parse, output), promoted.Items, ItemColumns, "No blockers reported yet.");
            parse.InvocationConfiguration.Error.WriteLine($"{promoted.Created} item(s) created, {promoted.Updated} gained new reports.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Merge(ApiContext api)
    {
        var survivor = new Argument<string>("survivor-id") { Description = "The item that stays." };
        var duplicates = new Option<string[]>("--duplicate") { Description = "An item merged into it (repeatable).", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = FormatOption();
        var command = new Command("merge", "Merge duplicate items into one: their participants and feedback join it; they are marked merged.") { survivor, duplicates, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new MergeBacklogItemsRequest { SurvivorId = parse.GetValue(survivor)! };
            request.DuplicateIds.AddRange(parse.GetValue(duplicates)!);
            var merged = (await client.Backlog.MergeBacklogItemsAsync(request, cancellationToken: token)).Item;
            Renderer.Record(writer, Renderer.FormatOf(parse, output), merged, DetailColumns);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Changelog(ApiContext api)
    {
        var release = new Option<string>("--release") { Description = "The release, as items name it.", Required = true };
        var cohort = CohortCommand.CohortOption(required: false);
        var output = FormatOption();
        var command = new Command("changelog", "A release's changelog: each shipped item with the participants who reported it.") { release, cohort, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var changelog = await client.Backlog.GetChangelogAsync(new GetChangelogRequest { Release = parse.GetValue(release)!, Cohort = parse.GetValue(cohort) ?? "" }, cancellationToken: token);
            switch (Renderer.FormatOf(parse, output))
            {
                case OutputFormat.Markdown:
                    WriteMarkdown(writer, changelog);
                    break;
                case OutputFormat.Json:
                    writer.WriteLine(JsonFormatter.Default.Format(changelog));
                    break;
                case var format:
                    Renderer.List(writer, format, changelog.Entries, ChangelogColumns, $"Nothing shipped in {changelog.Release} yet.");
                    break;
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>The changelog as release notes: one bullet per fix, with who reported it (participant ids only).</summary>
    public static void WriteMarkdown(TextWriter writer, GetChangelogResponse changelog)
    {
        writer.WriteLine($"# Changelog {changelog.Release}");
        writer.WriteLine();
        if (changelog.Entries.Count == 0)
        {
            writer.WriteLine("Nothing shipped in this release yet.");
            return;
        }

        foreach (var entry in changelog.Entries)
        {
            var shipped = entry.ShipTime?.ToDateTimeOffset().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
            var reporters = entry.ParticipantIds.Count == 0 ? "no linked participants" : "reported by " + string.Join(", ", entry.ParticipantIds.Select(p => $"`{p}`"));
            writer.WriteLine($"- **{entry.Title.Replace("*", "\\*", StringComparison.Ordinal)}** ({entry.Cohort}, shipped {shipped}; item `{entry.ItemId}`): {reporters}");
        }
    }

    public static BacklogItemState StateOf(string state) => System.Enum.Parse<BacklogItemState>(state, ignoreCase: true);

    // The runbook writes --format; --output (-o) works as on every other command.
    private static Option<string> FormatOption()
    {
        var option = Renderer.CreateOption();
        option.Aliases.Add("--format");
        return option;
    }

    /// <summary>The options create and update share; <see cref="Fill"/> returns the mask paths of those given.</summary>
    private sealed class ItemOptions
    {
        private readonly Option<string?> _description = new("--description") { Description = "More detail." };
        private readonly Option<string?> _state = new("--state") { Description = "open, planned, fixed or shipped (one step at a time)." };
        private readonly Option<string?> _owner = new("--owner") { Description = "The owning member's user id (empty: nobody)." };
        private readonly Option<string?> _release = new("--release") { Description = "The target release, such as 2025.11.2; needed to ship." };
        private readonly Option<string[]> _participants = new("--participant") { Description = "A participant who reported it (repeatable; on update, replaces the list).", AllowMultipleArgumentsPerToken = true };
        private readonly Option<string[]> _feedback = new("--feedback") { Description = "Feedback that reported it (repeatable; on update, replaces the list).", AllowMultipleArgumentsPerToken = true };

        public void AddTo(Command command, bool withState)
        {
            _state.AcceptOnlyFromAmong(States);
            foreach (var option in new Option[] { _description, _owner, _release, _participants, _feedback }.Concat(withState ? [_state] : []))
            {
                command.Options.Add(option);
            }
        }

        public List<string> Fill(ParseResult parse, BacklogItem item)
        {
            var paths = new List<string>();
            void Text(Option<string?> option, string path, Action<string> set)
            {
                if (parse.GetValue(option) is { } value)
                {
                    set(value);
                    paths.Add(path);
                }
            }

            Text(_description, "description", v => item.Description = v);
            Text(_owner, "owner", v => item.Owner = v);
            Text(_release, "target_release", v => item.TargetRelease = v);
            Text(_state, "state", v => item.State = StateOf(v));
            if (parse.GetResult(_participants) is not null)
            {
                item.ParticipantIds.AddRange(parse.GetValue(_participants) ?? []);
                paths.Add("participant_ids");
            }

            if (parse.GetResult(_feedback) is not null)
            {
                item.FeedbackIds.AddRange(parse.GetValue(_feedback) ?? []);
                paths.Add("feedback_ids");
            }

            return paths;
        }
    }
}
