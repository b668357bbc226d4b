using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Cohorts.Followups;

/// <summary>pilotdeck.cohorts.v1.FollowupsService: the follow-up queue of a cohort and the message templates.</summary>
public sealed class FollowupsService(PilotdeckDbContext db, FollowupPlanner planner, Pager pager, ChangeReceipts receipts, TimeProvider time)
    : Contracts.Cohorts.V1.FollowupsService.FollowupsServiceBase
{
    public override async Task<ListFollowupsResponse> ListFollowups(ListFollowupsRequest request, ServerCallContext context)
    {
        var cohort = await CohortLookup.FindAsync(db, request.Cohort, "cohort", tracked: false, context.CancellationToken);
        var statuses = request.Statuses.Count == 0 ? [Lifecycles.Invited]
            : request.Statuses.Select(s => Lifecycles.StatusOf(s) ?? throw ApiErrors.InvalidArgument(new FieldViolation("statuses", $"{s} is not a participant status"))).Distinct().Order().ToList();
        var page = pager.Read(request.PageSize, request.PageToken, $"cohort={cohort.Id};statuses={string.Join(',', statuses)}");
        // The queue is ordered by a computed score, so a page token holds a position in it.
        var offset = page.After is { } after ? int.Parse(after, CultureInfo.InvariantCulture) : 0;
        var planned = await planner.PlanAsync(cohort, statuses, context.CancellationToken);
        var fetched = planned.Skip(offset).Take(page.FetchCount).Select((f, i) => (Followup: f, Position: offset + i + 1)).ToList();
        var (items, next) = pager.Page(page, fetched, f => f.Position.ToString(CultureInfo.InvariantCulture));
        var templates = await FollowupTemplates.EffectiveAsync(db, context.CancellationToken);
        var response = new ListFollowupsResponse { NextPageToken = next, TotalCount = planned.Count, DueCount = planned.Count(f => f.Due) };
        response.Followups.AddRange(items.Select(i => ToContract(i.Followup, cohort, templates)));
        return response;
    }

    public override async Task<ListFollowupTemplatesResponse> ListFollowupTemplates(ListFollowupTemplatesRequest request, ServerCallContext context)
    {
        var response = new ListFollowupTemplatesResponse();
        response.Templates.AddRange(await FollowupTemplates.EffectiveAsync(db, context.CancellationToken));
        return response;
    }

    public override async Task<UpdateFollowupTemplateResponse> UpdateFollowupTemplate(UpdateFollowupTemplateRequest request, ServerCallContext context)
    {
        var input = request.Template ?? new FollowupTemplate();
        var violations = new List<FieldViolation>();
        if (!FollowupTemplates.Kinds.Contains(input.Kind))
        {
            violations.Add(new("template.kind", "must be nudge or fixed"));
        }

        var (channel, channelError) = input.Channel == FollowupTemplates.AnyChannel ? (FollowupTemplates.AnyChannel, null) : ParticipantFields.Word(input.Channel, "channel", 32);
        if (channelError is not null || channel.Length == 0)
        {
            violations.Add(new("template.channel", channelError ?? "is required: a channel such as wechat, or * for every channel"));
        }

        var (locale, localeError) = ParticipantFields.Locale(input.Locale);
        if (localeError is not null || locale.Length == 0)
        {
            violations.Add(new("template.locale", localeError ?? "is required, e.g. en or zh-CN"));
        }

        foreach (var (field, text, max) in new[] { ("template.subject", input.Subject, 200), ("template.body", input.Body, 4000) })
        {
            var unknown = FollowupTemplates.UnknownPlaceholders(text);
            if (text.Trim().Length == 0 || text.Length > max)
            {
                violations.Add(new(field, $"is required and at most {max} characters"));
            }
            else if (unknown.Count > 0)
            {
                violations.Add(new(field, $"has unknown placeholder(s) {string.Join(", ", unknown)}; use {string.Join(", ", FollowupTemplates.Placeholders)}"));
            }
        }

        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        return await receipts.RecordAsync(context.Method, r => $"followup-templates/{r.Template.Kind}/{r.Template.Channel}/{r.Template.Locale}", async () =>
        {
            var stored = await db.FollowupTemplates.SingleOrDefaultAsync(t => t.Kind == input.Kind && t.Channel == channel && t.Locale == locale, context.CancellationToken);
            if (stored is null)
            {
                stored = new FollowupTemplateRecord { Kind = input.Kind, Channel = channel, Locale = locale, Subject = "", Body = "", UpdatedBy = "" };
                db.FollowupTemplates.Add(stored);
            }

            stored.Subject = input.Subject.Trim();
            stored.Body = input.Body.Trim();
            stored.UpdatedBy = receipts.Actor;
            stored.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(context.CancellationToken);
            return new UpdateFollowupTemplateResponse { Template = FollowupTemplates.ToContract(stored) };
        }, context.CancellationToken);
    }

    internal static Followup ToContract(PlannedFollowup planned, CohortRecord cohort, IReadOnlyList<FollowupTemplate> templates)
    {
        var participant = planned.Participant;
        var followup = new Followup
        {
            Participant = CohortMapping.ToContract(participant, cohort.Slug),
            Priority = planned.Priority,
            Score = planned.Score,
            DaysSinceContact = planned.DaysSinceContact,
            NudgesSent = planned.NudgesSent,
            NextDueTime = planned.NextDue is { } due ? Timestamp.FromDateTimeOffset(due) : null,
            Due = planned.Due,
            Exhausted = planned.Exhausted,
            Message = FollowupTemplates.Render(
                FollowupTemplates.Choose(templates, FollowupTemplates.Nudge, participant.Channel, participant.Locale), participant, cohort, planned.DaysSinceContact),
        };
        followup.Reasons.AddRange(planned.Reasons);
        followup.CadenceDays.AddRange(planned.Cadence);
        return followup;
    }
}
