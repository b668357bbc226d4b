using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Cli.Policy;
using Pilotdeck.Contracts.Cohorts.V1;

namespace Pilotdeck.Cli.Cohorts;

/// <summary>
/// <c>pilotdeck cohort update &lt;participant-id&gt; --status scheduled --consent true --tags "wechat|vip" --note "…"</c>:
/// only the options given change (they become the update mask).
/// </summary>
internal static class ParticipantUpdate
{
    public static Option<string?> ConsentOption()
    {
        var consent = new Option<string?>("--consent") { Description = "Consent: true/false (also yes/no, y/n, 1/0)." };
        consent.AcceptOnlyFromAmong("true", "false", "yes", "no", "y", "n", "1", "0");
        return consent;
    }

    public static Consent? ConsentOf(string? value) => value?.ToLowerInvariant() switch
    {
        "true" or "yes" or "y" or "1" => new Consent { Given = true, Method = "cli" },
        "false" or "no" or "n" or "0" => new Consent { Given = false, Method = "cli" },
        _ => null,
    };

    public static Command Create(ApiContext api)
    {
        var id = new Argument<string>("participant-id") { Description = "The participant's UUID (see `pilotdeck cohort list`)." };
        var status = new Option<string?>("--status") { Description = "Next status: scheduled, active, completed, or dropped." };
        status.AcceptOnlyFromAmong("invited", "scheduled", "active", "completed", "dropped");
        var consent = ConsentOption();
        var tags = new Option<string?>("--tags") { Description = "Replace the tags: separated by |, e.g. \"wechat|vip\"; \"\" removes all." };
        var texts = new (string Field, Option<string?> Option)[]
        {
            ("email", new Option<string?>("--email") { Description = "A new email." }),
            ("alias", new Option<string?>("--alias") { Description = "A new alias." }),
            ("phone", new Option<string?>("--phone") { Description = "A new phone number." }),
            ("locale", new Option<string?>("--locale") { Description = "A new BCP 47 locale." }),
            ("channel", new Option<string?>("--channel") { Description = "A new channel." }),
            ("source", new Option<string?>("--source") { Description = "A new source." }),
        };
        var contacted = new Option<bool>("--contacted") { Description = "Record that the team contacted them now." };
        var replied = new Option<bool>("--replied") { Description = "Record that they replied now." };
        var note = new Option<string?>("--note") { Description = "Append an outreach note." };
        var approval = ApprovalHeader.CreateOption();
        var output = Renderer.CreateOption();
        var command = new Command("update", "Change a participant: only the options given change; --note appends to their outreach log.")
        {
            id, status, consent, tags, contacted, replied, note, approval, output,
        };
        foreach (var (_, option) in texts)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var participant = new Participant { ParticipantId = parse.GetValue(id)! };
            var mask = new FieldMask();
            if (parse.GetValue(status) is { } newStatus)
            {
                participant.Status = System.Enum.Parse<ParticipantStatus>(newStatus, ignoreCase: true);
                mask.Paths.Add("status");
            }

            if (parse.GetValue(consent) is { } newConsent)
            {
                participant.Consent = ConsentOf(newConsent);
                mask.Paths.Add("consent");
            }

            if (parse.GetValue(tags) is { } newTags)
            {
                participant.Tags.AddRange(newTags.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                mask.Paths.Add("tags");
            }

            foreach (var (field, option) in texts)
            {
                if (parse.GetValue(option) is { } value)
                {
                    Participant.Descriptor.FindFieldByName(field).Accessor.SetValue(participant, value);
                    mask.Paths.Add(field);
                }
            }

            var now = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
            if (parse.GetValue(contacted))
            {
                participant.LastContactTime = now;
                mask.Paths.Add("last_contact_time");
            }

            if (parse.GetValue(replied))
            {
                participant.ReplyTime = now;
                mask.Paths.Add("reply_time");
            }

            var updated = await client.Cohorts.UpdateParticipantAsync(
                new UpdateParticipantRequest { Participant = participant, UpdateMask = mask, Note = parse.GetValue(note) ?? "" },
                ApprovalHeader.Of(parse, approval), cancellationToken: token);
            Renderer.Record(writer, Renderer.FormatOf(parse, output), updated.Participant, CohortCommand.ParticipantDetailColumns);
            var changed = mask.Paths.Count == 0 ? "added a note" : "changed " + string.Join(", ", mask.Paths) + (parse.GetValue(note) is { Length: > 0 } ? " and added a note" : "");
            parse.InvocationConfiguration.Error.WriteLine($"Updated {updated.Participant.ParticipantId}: {changed}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
