using System.CommandLine;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Cli.Policy;
using Pilotdeck.Contracts.Cohorts.V1;

namespace Pilotdeck.Cli.Cohorts;

/// <summary>
/// <c>pilotdeck cohort …</c>: the pilot-cohort runbook's roster commands (docs/runbooks/pilot-cohort.md):
/// create a cohort, add, list, update and export its participants.
/// </summary>
public static class CohortCommand
{
    internal static readonly Column<Participant>[] ParticipantColumns =
    [
        new("participant_id", p => p.ParticipantId),
        new("cohort", p => p.Cohort),
        new("alias", p => p.Alias),
        new("email", p => p.Email),
        new("phone", p => p.Phone),
        new("locale", p => p.Locale),
        new("status", p => p.Status),
        new("source", p => p.Source, Wide: true),
        new("channel", p => p.Channel),
        new("tags", p => p.Tags.ToList()),
        new("consent", p => p.Consent is null ? null : p.Consent.Given),
        new("last_contact_time", p => p.LastContactTime?.ToDateTimeOffset()),
        new("reply_time", p => p.ReplyTime?.ToDateTimeOffset(), Wide: true),
        new("erase_time", p => p.EraseTime?.ToDateTimeOffset(), Wide: true),
    ];

    // One participant at a time has room for how and when consent was recorded.
    internal static readonly Column<Participant>[] ParticipantDetailColumns =
    [
        .. ParticipantColumns,
        new("consent_method", p => p.Consent?.Method),
        new("consent_time", p => p.Consent?.RecordTime?.ToDateTimeOffset()),
    ];

    private static readonly Column<Cohort>[] CohortColumns =
    [
        new("slug", c => c.Slug),
        new("title", c => c.Title),
        new("state", c => c.State),
        new("start_date", c => c.StartDate),
        new("end_date", c => c.EndDate),
        new("target_size", c => c.TargetSize),
        new("channel", c => c.DefaultChannel),
        new("locale", c => c.DefaultLocale),
        new("invited", c => CountOf(c, ParticipantStatus.Invited)),
        new("scheduled", c => CountOf(c, ParticipantStatus.Scheduled)),
        new("active", c => CountOf(c, ParticipantStatus.Active)),
        new("completed", c => CountOf(c, ParticipantStatus.Completed)),
        new("dropped", c => CountOf(c, ParticipantStatus.Dropped)),
    ];

    public static Command Create(ApiContext api) => new("cohort", "Pilot cohorts and their participants: create, import, list, update, export.")
    {
        CreateCohort(api),
        ListCohorts(api),
        SetState(api),
        Add(api),
        List(api),
        Show(api),
        ParticipantUpdate.Create(api),
        RosterImport.Create(api),
        Export(api),
    };

    private static Command CreateCohort(ApiContext api)
    {
        var slug = new Argument<string>("slug") { Description = "The cohort's id in the tenant, e.g. fall-2025." };
        var title = new Option<string>("--title") { Description = "A title for people.", Required = true };
        var start = new Option<string?>("--start") { Description = "First day, YYYY-MM-DD." };
        var end = new Option<string?>("--end") { Description = "Last day, YYYY-MM-DD." };
        var target = new Option<int>("--target-size") { Description = "How many participants the pilot wants." };
        var (channel, locale) = DefaultsOptions();
        var approval = ApprovalHeader.CreateOption();
        var output = Renderer.CreateOption();
        var command = new Command("create", "Create a cohort (state: planning).") { slug, title, start, end, target, channel, locale, approval, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var created = await client.Cohorts.CreateCohortAsync(new CreateCohortRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Cohort = new Cohort
                {
                    Slug = parse.GetValue(slug)!, Title = parse.GetValue(title)!, StartDate = parse.GetValue(start) ?? "", EndDate = parse.GetValue(end) ?? "",
                    TargetSize = parse.GetValue(target), DefaultChannel = parse.GetValue(channel) ?? "", DefaultLocale = parse.GetValue(locale) ?? "",
                },
            }, ApprovalHeader.Of(parse, approval), cancellationToken: token);
            Renderer.Record(writer, Renderer.FormatOf(parse, output), created.Cohort, CohortColumns);
            parse.InvocationConfiguration.Error.WriteLine($"Created cohort {created.Cohort.Slug}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command ListCohorts(ApiContext api)
    {
        var limit = Paging.LimitOption("newest first", 50);
        var output = Renderer.CreateOption();
        var command = new Command("cohorts", "List the tenant's cohorts with their funnel (participants per status).") { limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var cohorts = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                var page = await client.Cohorts.ListCohortsAsync(new ListCohortsRequest { PageSize = size, PageToken = pageToken }, cancellationToken: token);
                return (page.Cohorts.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), cohorts, CohortColumns, "No cohorts yet: `pilotdeck cohort create <slug> --title …`.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command SetState(ApiContext api)
    {
        var slug = new Argument<string>("slug") { Description = "The cohort." };
        var state = new Argument<string>("state") { Description = "recruiting, running or closed (states only move forward)." };
        state.AcceptOnlyFromAmong("planning", "recruiting", "running", "closed");
        var approval = ApprovalHeader.CreateOption();
        var command = new Command("set-state", "Move a cohort to its next state.") { slug, state, approval };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var updated = await client.Cohorts.UpdateCohortAsync(new UpdateCohortRequest
            {
                Cohort = new Cohort { Slug = parse.GetValue(slug)!, State = System.Enum.Parse<CohortState>(parse.GetValue(state)!, ignoreCase: true) },
                UpdateMask = new FieldMask { Paths = { "state" } },
            }, ApprovalHeader.Of(parse, approval), cancellationToken: token);
            writer.WriteLine($"Cohort {updated.Cohort.Slug} is now {parse.GetValue(state)}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Add(ApiContext api)
    {
        var cohort = CohortOption(required: true);
        var email = new Option<string?>("--email") { Description = "The participant's email (their key in the cohort)." };
        var alias = new Option<string?>("--alias") { Description = "A name the team uses; the key when there is no email." };
        var phone = new Option<string?>("--phone") { Description = "A phone number; without +country code it is read in the locale's region." };
        var (channel, locale) = DefaultsOptions();
        var source = new Option<string?>("--source") { Description = "Where they came from, e.g. referral." };
        var tags = new Option<string?>("--tags") { Description = "Tags separated by |, e.g. \"wechat|vip\"." };
        var consent = ParticipantUpdate.ConsentOption();
        var note = new Option<string?>("--note") { Description = "A first outreach note." };
        var approval = ApprovalHeader.CreateOption();
        var output = Renderer.CreateOption();
        var command = new Command("add", "Add one participant to a cohort (status: invited).") { cohort, email, alias, phone, channel, locale, source, tags, consent, note, approval, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var participant = new Participant
            {
                Email = parse.GetValue(email) ?? "", Alias = parse.GetValue(alias) ?? "", Phone = parse.GetValue(phone) ?? "",
                Channel = parse.GetValue(channel) ?? "", Locale = parse.GetValue(locale) ?? "", Source = parse.GetValue(source) ?? "",
                Consent = ParticipantUpdate.ConsentOf(parse.GetValue(consent)),
            };
            participant.Tags.AddRange((parse.GetValue(tags) ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            var created = await client.Cohorts.CreateParticipantAsync(new CreateParticipantRequest
            {
                RequestId = Guid.NewGuid().ToString(), Cohort = parse.GetValue(cohort)!, Participant = participant, Note = parse.GetValue(note) ?? "",
            }, ApprovalHeader.Of(parse, approval), cancellationToken: token);
            Renderer.Record(writer, Renderer.FormatOf(parse, output), created.Participant, ParticipantDetailColumns);
            parse.InvocationConfiguration.Error.WriteLine($"Added {created.Participant.ParticipantId} to {created.Participant.Cohort}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command List(ApiContext api)
    {
        var cohort = CohortOption(required: false);
        var status = new Option<string[]>("--status") { Description = "Only these statuses (repeatable): invited, scheduled, active, completed, dropped.", AllowMultipleArgumentsPerToken = true };
        status.AcceptOnlyFromAmong("invited", "scheduled", "active", "completed", "dropped");
        var tag = new Option<string?>("--tag") { Description = "Only participants with this tag." };
        var consent = new Option<string?>("--consent") { Description = "Only given, withdrawn or unknown consent." };
        consent.AcceptOnlyFromAmong("given", "withdrawn", "unknown");
        var text = new Option<string?>("--search") { Description = "Text in alias, email or phone." };
        var limit = Paging.LimitOption("in the order they were added", 50);
        var output = Renderer.CreateOption();
        var command = new Command("list", "List participants, filtered.") { cohort, status, tag, consent, text, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListParticipantsRequest { Cohort = parse.GetValue(cohort) ?? "", Tag = parse.GetValue(tag) ?? "", Consent = parse.GetValue(consent) ?? "", Text = parse.GetValue(text) ?? "" };
            request.Statuses.AddRange((parse.GetValue(status) ?? []).Select(s => System.Enum.Parse<ParticipantStatus>(s, ignoreCase: true)));
            var participants = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                request.PageSize = size;
                request.PageToken = pageToken;
                var page = await client.Cohorts.ListParticipantsAsync(request, cancellationToken: token);
                return (page.Participants.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), participants, ParticipantColumns, "No participants match.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Show(ApiContext api)
    {
        var id = new Argument<string>("participant-id") { Description = "The participant's UUID." };
        var output = Renderer.CreateOption();
        var command = new Command("show", "Show a participant with their status history and outreach notes.") { id, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var found = await client.Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = parse.GetValue(id)! }, cancellationToken: token);
            var format = Renderer.FormatOf(parse, output);
            Renderer.Record(writer, format, found.Participant, ParticipantDetailColumns);
            writer.WriteLine();
            Renderer.List(writer, format, found.StatusHistory, [new("status", h => h.ToStatus), new("from", h => h.FromStatus), new("actor", h => h.Actor), new("time", h => h.ChangeTime?.ToDateTimeOffset())]);
            writer.WriteLine();
            Renderer.List(writer, format, found.Notes, [new("note", n => n.Text), new("author", n => n.Author), new("time", n => n.CreateTime?.ToDateTimeOffset())], "No outreach notes.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Export(ApiContext api)
    {
        var cohort = CohortOption(required: true);
        var status = new Option<string[]>("--status") { Description = "Only these statuses (repeatable).", AllowMultipleArgumentsPerToken = true };
        status.AcceptOnlyFromAmong("invited", "scheduled", "active", "completed", "dropped");
        var approval = ApprovalHeader.CreateOption();
        var bom = new Option<bool>("--bom") { Description = "Start with a UTF-8 byte order mark, for Excel, which otherwise misreads non-ASCII text such as Chinese names. The importers read it either way." };
        var command = new Command("export", "Write a cohort's roster as CSV for a CRM (to stdout: `> roster.csv`). Formula-like cells are escaped.") { cohort, status, approval, bom };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ExportParticipantsRequest { Cohort = parse.GetValue(cohort)! };
            request.Statuses.AddRange((parse.GetValue(status) ?? []).Select(s => System.Enum.Parse<ParticipantStatus>(s, ignoreCase: true)));
            using var call = client.Cohorts.ExportParticipants(request, ApprovalHeader.Of(parse, approval), cancellationToken: token);
            long rows = -1;
            if (parse.GetValue(bom))
            {
                await writer.WriteAsync('\uFEFF');
            }

            // One decoder across chunks, so a character split between two chunks comes out whole.
            var utf8 = Encoding.UTF8.GetDecoder();
            await foreach (var chunk in call.ResponseStream.ReadAllAsync(token))
            {
                var characters = new char[utf8.GetCharCount(chunk.CsvChunk.Span, flush: false)];
                utf8.GetChars(chunk.CsvChunk.Span, characters, flush: false);
                rows += characters.Count(c => c == '\n');
                await writer.WriteAsync(characters);
            }

            await writer.FlushAsync(token);
            parse.InvocationConfiguration.Error.WriteLine($"Exported {Math.Max(rows, 0)} participant(s) of {request.Cohort}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    internal static Option<string?> CohortOption(bool required) => new("--cohort") { Description = "The cohort's slug, e.g. fall-2025.", Required = required };

    private static (Option<string?> Channel, Option<string?> Locale) DefaultsOptions() =>
        (new Option<string?>("--channel") { Description = "How the team reaches participants, e.g. wechat, email." },
         new Option<string?>("--locale") { Description = "A BCP 47 language tag, e.g. zh-CN." });

    private static int CountOf(Cohort cohort, ParticipantStatus status) => cohort.StatusCounts.FirstOrDefault(c => c.Status == status)?.Count ?? 0;
}
