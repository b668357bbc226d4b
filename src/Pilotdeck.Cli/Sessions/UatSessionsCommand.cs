using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Cli.Policy;
using Pilotdeck.Contracts.Sessions.V1;

namespace Pilotdeck.Cli.Sessions;

/// <summary>
/// <c>pilotdeck uat-sessions …</c>: record, list, show and change UAT sessions (docs/sessions.md);
/// the attachment commands are in <see cref="AttachmentCommands"/>.
/// </summary>
public static class UatSessionsCommand
{
    private static readonly Column<Session>[] SessionColumns =
    [
        new("session_id", s => s.SessionId),
        new("participant_id", s => s.ParticipantId),
        new("session_date", s => s.SessionDate),
        new("satisfaction", s => s.Satisfaction),
        new("trust", s => s.Trust),
        new("summary", s => s.Summary),
        new("follow_up", s => s.FollowUp),
        new("facilitator", s => s.Facilitator, Wide: true),
    ];

    public static Command Create(ApiContext api) => new("uat-sessions", "UAT sessions with participants, and their attachments (transcripts, recordings).")
    {
        CreateSession(api),
        List(api),
        Show(api),
        Update(api),
        AttachmentCommands.Attach(api),
        AttachmentCommands.List(api),
        AttachmentCommands.Download(api),
    };

    private static Command CreateSession(ApiContext api)
    {
        var participant = ParticipantOption(required: true);
        var fields = new SessionFieldOptions(required: true);
        var approval = ApprovalHeader.CreateOption();
        var output = Renderer.CreateOption();
        var command = new Command("create", "Record a session with a participant; you are its facilitator.") { participant, approval, output };
        fields.AddTo(command);
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var session = fields.Read(parse, new Session { ParticipantId = parse.GetValue(participant)! }, new FieldMask());
            var created = await client.Sessions.CreateSessionAsync(new CreateSessionRequest { RequestId = Guid.NewGuid().ToString(), Session = session },
                ApprovalHeader.Of(parse, approval), cancellationToken: token);
            Renderer.Record(writer, Renderer.FormatOf(parse, output), created.Session, SessionColumns);
            parse.InvocationConfiguration.Error.WriteLine($"Recorded session {created.Session.SessionId} with {created.Session.ParticipantId}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command List(ApiContext api)
    {
        var participant = ParticipantOption(required: false);
        var cohort = new Option<string?>("--cohort") { Description = "Only sessions with participants of this cohort (its slug)." };
        var limit = Paging.LimitOption("latest session first", 50);
        var output = Renderer.CreateOption();
        var command = new Command("list", "List sessions, latest first, for a participant and/or a cohort.") { participant, cohort, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListSessionsRequest { ParticipantId = parse.GetValue(participant) ?? "", Cohort = parse.GetValue(cohort) ?? "" };
            var sessions = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                request.PageSize = size;
                request.PageToken = pageToken;
                var page = await client.Sessions.ListSessionsAsync(request, cancellationToken: token);
                return (page.Sessions.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), sessions, SessionColumns, "No sessions match.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Show(ApiContext api)
    {
        var id = new Argument<string>("session-id") { Description = "The session's UUID." };
        var output = Renderer.CreateOption();
        var command = new Command("show", "Show a session.") { id, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var found = await client.Sessions.GetSessionAsync(new GetSessionRequest { SessionId = parse.GetValue(id)! }, cancellationToken: token);
            Renderer.Record(writer, Renderer.FormatOf(parse, output), found.Session, SessionColumns);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Update(ApiContext api)
    {
        var id = new Argument<string>("session-id") { Description = "The session's UUID." };
        var fields = new SessionFieldOptions(required: false);
        var approval = ApprovalHeader.CreateOption();
        var output = Renderer.CreateOption();
        var command = new Command("update", "Change a session: only the options given change.") { id, approval, output };
        fields.AddTo(command);
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var mask = new FieldMask();
            var session = fields.Read(parse, new Session { SessionId = parse.GetValue(id)! }, mask);
            if (mask.Paths.Count == 0)
            {
                throw new CliException(ExitCodes.Usage, "nothing to change.", "Give at least one of --session-date, --satisfaction, --trust, --summary, --follow-up.");
            }

            var updated = await client.Sessions.UpdateSessionAsync(new UpdateSessionRequest { Session = session, UpdateMask = mask }, ApprovalHeader.Of(parse, approval), cancellationToken: token);
            Renderer.Record(writer, Renderer.FormatOf(parse, output), updated.Session, SessionColumns);
            parse.InvocationConfiguration.Error.WriteLine($"Updated session {updated.Session.SessionId}: changed {string.Join(", ", mask.Paths)}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    internal static Option<string?> ParticipantOption(bool required) =>
        new("--participant") { Description = "The participant's UUID (see `pilotdeck cohort list`).", Required = required };

    /// <summary>The options that set a session's fields; on update only those given go into the mask.</summary>
    private sealed class SessionFieldOptions(bool required)
    {
        private readonly Option<string?> _date = new("--session-date") { Description = "When it took place, with the UTC offset, e.g. 2025-11-10T13:00:00+08:00.", Required = required };
        private readonly Option<int?> _satisfaction = new("--satisfaction") { Description = "How satisfied the participant was, 1-5.", Required = required };
        private readonly Option<int?> _trust = new("--trust") { Description = "How much the participant trusts the product, 1-5.", Required = required };
        private readonly Option<string?> _summary = new("--summary") { Description = "What happened." };
        private readonly Option<string?> _followUp = new("--follow-up") { Description = "What the team does next." };

        public void AddTo(Command command)
        {
            foreach (var option in new System.CommandLine.Option[] { _date, _satisfaction, _trust, _summary, _followUp })
            {
                command.Options.Add(option);
            }
        }

        public Session Read(ParseResult parse, Session session, FieldMask mask)
        {
            void Set(string field, bool given, Action apply)
            {
                if (given)
                {
                    apply();
                    mask.Paths.Add(field);
                }
            }

            Set("session_date", parse.GetValue(_date) is not null, () => session.SessionDate = parse.GetValue(_date)!);
            Set("satisfaction", parse.GetValue(_satisfaction) is not null, () => session.Satisfaction = parse.GetValue(_satisfaction)!.Value);
            Set("trust", parse.GetValue(_trust) is not null, () => session.Trust = parse.GetValue(_trust)!.Value);
            Set("summary", parse.GetValue(_summary) is not null, () => session.Summary = parse.GetValue(_summary)!);
            Set("follow_up", parse.GetValue(_followUp) is not null, () => session.FollowUp = parse.GetValue(_followUp)!);
            return session;
        }
    }
}
