using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// A cohort's follow-up queue (ListFollowups, docs/followups.md): who has not replied, most urgent
/// first, with the reasons, the cadence's next due date and the nudge to send in their channel and
/// locale; facilitators record a nudge they sent by hand.
/// </summary>
public sealed class FollowupsModel(PortalOptions options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Slug { get; set; } = "";

    /// <summary>The status to chase; unspecified reads as invited, the API's default.</summary>
    [BindProperty(SupportsGet = true)]
    public ParticipantStatus Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    public ListFollowupsResponse? Queue { get; private set; }

    public PagerViewModel? Pager { get; private set; }

    public static IReadOnlyList<ParticipantStatus> Statuses { get; } = [ParticipantStatus.Invited, ParticipantStatus.Scheduled];

    public ParticipantStatus Chased => Status == ParticipantStatus.Unspecified ? ParticipantStatus.Invited : Status;

    public async Task OnGetAsync()
    {
        try
        {
            Queue = await Api.Followups.ListFollowupsAsync(
                new ListFollowupsRequest { Cohort = Slug, Statuses = { Chased }, PageSize = options.PageSize, PageToken = PageToken ?? "" }, cancellationToken: Aborted);
            Pager = new PagerViewModel("/Cohorts/Followups", PageToken, Queue.NextPageToken, QueueRoute(null));
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }

    /// <summary>
    /// Records a nudge a facilitator sent by hand: contact now plus an outreach note, which moves
    /// the next nudge out by the cadence (a note counts as contact) so the daily job does not
    /// send the same nudge again.
    /// </summary>
    public async Task<IActionResult> OnPostNudgeAsync(string participantId, string? channel)
    {
        try
        {
            var updated = await Api.Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest
            {
                Participant = new Participant { ParticipantId = participantId, LastContactTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
                UpdateMask = new FieldMask { Paths = { "last_contact_time" } },
                Note = string.IsNullOrWhiteSpace(channel) ? "Nudge sent from the follow-up queue." : $"Nudge sent on {channel.Trim()} from the follow-up queue.",
            }, cancellationToken: Aborted);
            FlashNext($"Nudge to {RosterModel.Name(updated.Participant)} recorded; their next nudge moves out by the cadence.");
            return RedirectToPage("/Cohorts/Followups", QueueRoute(PageToken));
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await OnGetAsync();
            ShowProblem(ex);
            return Page();
        }
    }

    private Dictionary<string, string?> QueueRoute(string? pageToken) => new()
    {
        ["slug"] = Slug,
        ["status"] = Status == ParticipantStatus.Unspecified ? null : Status.ToString(),
        ["pageToken"] = pageToken,
    };

    /// <summary>Priority in words, so it never rests on colour alone.</summary>
    public static string PriorityLabel(int priority) => priority switch
    {
        1 => "Priority 1 · chase first",
        2 => "Priority 2 · soon",
        _ => "Priority 3 · can wait",
    };

    public static string NextDue(Followup followup) =>
        followup.Exhausted ? "no nudges left"
        : followup.Due ? "due now"
        : Display.TimeText(followup.NextDueTime);

    public static string ChannelLabel(string channel) => channel == "*" ? "any channel" : channel;
}
