using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Portal.Infrastructure;
using Pilotdeck.Portal.Pages.Receipts;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// One participant: profile, status history, outreach notes, UAT sessions and attachments,
/// feedback, and the receipts of every change to them (checked against the log); facilitators record
/// a status change, consent, contact, a reply or a note here, a session with an attachment
/// (Participant.Sessions.cs), and feedback on the participant's behalf.
/// </summary>
[RequestSizeLimit(SessionForm.MaxFormBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = SessionForm.MaxFormBytes)]
public sealed partial class ParticipantModel(PortalOptions options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    public GetParticipantResponse? Detail { get; private set; }

    public IReadOnlyList<ReceiptRow> Receipts { get; private set; } = [];

    public bool MoreReceipts { get; private set; }

    [BindProperty]
    public FeedbackInput Feedback { get; set; } = new();

    /// <summary>The participant's latest feedback, newest first.</summary>
    public FeedbackList? FeedbackGiven { get; private set; }

    public bool MoreFeedback { get; private set; }

    public string Subject => "participants/" + Id;

    public ReceiptTable ReceiptsTable => new(Receipts, $"Receipts of {Subject}, oldest first");

    public async Task OnGetAsync()
    {
        try
        {
            Detail = await Api.Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = Id }, cancellationToken: Aborted);
            (Receipts, var next) = await ReceiptTimeline.LoadAsync(Api, Subject, options.PageSize, null, Aborted);
            MoreReceipts = next.Length > 0;
            await LoadSessionsAsync(options.PageSize);
            var feedback = await Api.Feedback.ListFeedbackAsync(new ListFeedbackRequest { ParticipantId = Id, PageSize = options.PageSize }, cancellationToken: Aborted);
            FeedbackGiven = new FeedbackList(feedback.Feedback, ShowParticipant: false, "Feedback from this participant, newest first");
            MoreFeedback = feedback.NextPageToken.Length > 0;
            if (Feedback.RequestId.Length == 0)
            {
                Feedback.RequestId = Guid.NewGuid().ToString();
            }
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            Problem ??= ApiProblem.From(ex);
        }
    }

    /// <summary>Records what happened: any of a new status, a consent answer, contact or reply now, and a note.</summary>
    public async Task<IActionResult> OnPostAsync(ParticipantStatus status, string? consent, bool contacted, bool replied, string? note)
    {
        var participant = new Participant { ParticipantId = Id };
        var mask = new FieldMask();
        if (status != ParticipantStatus.Unspecified)
        {
            participant.Status = status;
            mask.Paths.Add("status");
        }

        if (consent is "given" or "withdrawn")
        {
            participant.Consent = new Consent { Given = consent == "given", Method = "portal" };
            mask.Paths.Add("consent");
        }

        var now = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        if (contacted)
        {
            participant.LastContactTime = now;
            mask.Paths.Add("last_contact_time");
        }

        if (replied)
        {
            participant.ReplyTime = now;
            mask.Paths.Add("reply_time");
        }

        try
        {
            await Api.Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest { Participant = participant, UpdateMask = mask, Note = note ?? "" }, cancellationToken: Aborted);
            FlashNext("Recorded.");
            return RedirectToPage("/Cohorts/Participant", new { id = Id });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await OnGetAsync();
            ShowProblem(ex);
            return Page();
        }
    }

    /// <summary>Feedback a facilitator took down for the participant (in a session, by phone): one highlight or blocker per line.</summary>
    public async Task<IActionResult> OnPostFeedbackAsync()
    {
        var highlights = FeedbackInput.Lines(Feedback.Highlights);
        var blockers = FeedbackInput.Lines(Feedback.Blockers);
        try
        {
            var request = new SubmitFeedbackRequest
            {
                RequestId = Feedback.RequestId, ParticipantId = Id, Rating = Feedback.Rating ?? 0, Sentiment = Feedback.Sentiment ?? "",
                Highlights = { highlights }, Blockers = { blockers },
            };
            var recorded = (await Api.Feedback.SubmitFeedbackAsync(request, cancellationToken: Aborted)).Feedback;
            FlashNext($"Feedback recorded: rating {recorded.Rating}, {recorded.Sentiment}, {recorded.Blockers.Count} blocker(s).");
            return RedirectToPage("/Cohorts/Participant", pageHandler: null, new { id = Id }, fragment: "feedback-heading");
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await OnGetAsync();
            ShowProblem(ex, FeedbackInput.Fields(highlights, blockers));
            return Page();
        }
    }
}
