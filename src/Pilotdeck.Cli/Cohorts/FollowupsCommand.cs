using System.CommandLine;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Contracts.Backlog.V1;
using Pilotdeck.Contracts.Cohorts.V1;

namespace Pilotdeck.Cli.Cohorts;

/// <summary>
/// <c>pilotdeck followups --cohort fall-2025 --status invited --format table|json|markdown</c>: who has
/// not replied, most urgent first, with the cadence, the next due date and the message to send;
/// <c>followups templates</c> and <c>followups set-template</c> manage the words;
/// <c>followups --notify --cohort fall-2025 [--release R] [--dry-run]</c> closes the loop, telling the
/// people who reported a shipped backlog item that it is fixed (docs/backlog.md).
/// </summary>
public static class FollowupsCommand
{
    private static readonly Column<Followup>[] Columns =
    [
        new("participant_id", f => f.Participant.ParticipantId),
        new("alias", f => f.Participant.Alias),
        new("channel", f => f.Participant.Channel),
        new("locale", f => f.Participant.Locale),
        new("priority", f => f.Priority),
        new("score", f => f.Score),
        new("days_since_contact", f => f.DaysSinceContact),
        new("nudges_sent", f => f.NudgesSent),
        new("cadence_days", f => f.CadenceDays.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList()),
        new("next_due", f => f.NextDueTime?.ToDateTimeOffset()),
        new("due", f => f.Due),
        new("exhausted", f => f.Exhausted),
        new("reasons", f => f.Reasons.ToList()),
        new("message", f => f.Message.Body),
    ];

    private static readonly Column<FollowupTemplate>[] TemplateColumns =
    [
        new("kind", t => t.Kind),
        new("channel", t => t.Channel),
        new("locale", t => t.Locale),
        new("customized", t => t.Customized),
        new("subject", t => t.Subject),
        new("body", t => t.Body),
    ];

    private static readonly Column<FixedNotice>[] NoticeColumns =
    [
        new("participant_id", n => n.ParticipantId),
        new("item_id", n => n.ItemId),
        new("release", n => n.Release),
        new("channel", n => n.Channel),
        new("message_id", n => n.MessageId),
        new("subject", n => n.Subject),
    ];

    public static Command Create(ApiContext api)
    {
        var cohort = CohortCommand.CohortOption(required: true);
        var status = new Option<string[]>("--status") { Description = "Statuses to chase (repeatable); default invited.", AllowMultipleArgumentsPerToken = true };
        status.AcceptOnlyFromAmong("invited", "scheduled", "active");
        var limit = Paging.LimitOption("most urgent first", 200);
        var notify = new Option<bool>("--notify") { Description = "Instead of listing: tell each participant who reported a shipped backlog item, once, that it is fixed." };
        var release = new Option<string?>("--release") { Description = "With --notify: only items shipped in this release." };
        var dryRun = new Option<bool>("--dry-run") { Description = "With --notify: show who would be told; send nothing." };
        var output = FormatOption();
        var command = new Command("followups", "Participants who have not replied, most urgent first: priority, cadence, next due date and the message in their channel and locale.")
        {
            cohort, status, limit, notify, release, dryRun, output, Templates(api), SetTemplate(api),
        };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            if (parse.GetValue(notify))
            {
                var sent = await client.Backlog.NotifyFixedAsync(new NotifyFixedRequest
                {
                    Cohort = parse.GetValue(cohort)!, Release = parse.GetValue(release) ?? "", DryRun = parse.GetValue(dryRun),
                }, cancellationToken: token);
                Renderer.List(writer, Renderer.FormatOf(parse, output), sent.Notices, NoticeColumns, "Nobody to tell: every reporter of a shipped item has been told.");
                parse.InvocationConfiguration.Error.WriteLine(sent.DryRun
                    ? $"Dry run: {sent.Notices.Count} \"fixed\" message(s) for {sent.Items} shipped item(s) would be sent; nothing was sent."
                    : $"{sent.Notices.Count} \"fixed\" message(s) queued for {sent.Items} shipped item(s).");
                return ExitCodes.Ok;
            }

            var request = new ListFollowupsRequest { Cohort = parse.GetValue(cohort)! };
            request.Statuses.AddRange((parse.GetValue(status) ?? []).Select(s => System.Enum.Parse<ParticipantStatus>(s, ignoreCase: true)));
            var (total, dueNow) = (0, 0);
            var followups = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                request.PageSize = size;
                request.PageToken = pageToken;
                var page = await client.Followups.ListFollowupsAsync(request, cancellationToken: token);
                (total, dueNow) = (page.TotalCount, page.DueCount);
                return (page.Followups.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), followups, Columns, "Everyone has replied.");
            parse.InvocationConfiguration.Error.WriteLine($"{total} participant(s) have not replied; {dueNow} nudge(s) due now.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Templates(ApiContext api)
    {
        var output = FormatOption();
        var command = new Command("templates", "The follow-up messages in effect: the tenant's own and the shipped English and Simplified Chinese ones.") { output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var templates = await client.Followups.ListFollowupTemplatesAsync(new ListFollowupTemplatesRequest(), cancellationToken: token);
            Renderer.List(writer, Renderer.FormatOf(parse, output), templates.Templates, TemplateColumns);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command SetTemplate(ApiContext api)
    {
        var kind = new Option<string>("--kind") { Description = "nudge or fixed.", Required = true };
        kind.AcceptOnlyFromAmong("nudge", "fixed");
        var channel = new Option<string>("--channel") { Description = "A channel such as wechat, or * for every channel.", DefaultValueFactory = _ => "*" };
        var locale = new Option<string>("--locale") { Description = "A BCP 47 locale such as zh-CN.", Required = true };
        var subject = new Option<string>("--subject") { Description = "Placeholders: {alias}, {cohort}, {cohort_title}, {days}, {release} (\"fixed\" messages).", Required = true };
        var body = new Option<string>("--body") { Description = "Placeholders as for --subject.", Required = true };
        var command = new Command("set-template", "Set the tenant's follow-up message for one kind, channel and locale.") { kind, channel, locale, subject, body };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var set = await client.Followups.UpdateFollowupTemplateAsync(new UpdateFollowupTemplateRequest
            {
                Template = new FollowupTemplate
                {
                    Kind = parse.GetValue(kind)!, Channel = parse.GetValue(channel)!, Locale = parse.GetValue(locale)!,
                    Subject = parse.GetValue(subject)!, Body = parse.GetValue(body)!,
                },
            }, cancellationToken: token);
            writer.WriteLine($"Set the {set.Template.Kind} template for channel {set.Template.Channel}, locale {set.Template.Locale}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    // The runbook writes --format; --output (-o) works as on every other command.
    private static Option<string> FormatOption()
    {
        var option = Renderer.CreateOption();
        option.Aliases.Add("--format");
        return option;
    }
}
