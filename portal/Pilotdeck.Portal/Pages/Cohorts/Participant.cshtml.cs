using System.Globalization;
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
    public RecordInput Record { get; set; } = new();

    [BindProperty]
    public FeedbackInput Feedback { get; set; } = new();

    /// <summary>The participant's latest feedback, newest first.</summary>
    public FeedbackList? FeedbackGiven { get; private set; }

    public bool MoreFeedback { get; private set; }

    public string Subject => "participants/" + Id;

    public ReceiptTable ReceiptsTable => new(Receipts, $"Receipts of {Subject}, oldest first", Actors);

    /// <summary>"given (signed form, 2025-09-01)", leaving out whichever of how and when was not recorded.</summary>
    public static string ConsentText(Consent? consent)
    {
        if (consent is null)
        {
            return "not recorded";
        }

        string[] details = [consent.Method, consent.RecordTime?.ToDateTimeOffset().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? ""];
        var known = string.Join(", ", details.Where(detail => detail.Length > 0));
        return (consent.Given ? "given" : "withdrawn") + (known.Length > 0 ? $" ({known})" : "");
    }

    public async Task OnGetAsync()
    {
        try
        {
            Detail = await Api.Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = Id }, cancellationToken: Aborted);
            await NameActorsAsync();
            (Receipts, var next) = await ReceiptTimeline.LoadAsync(Api, Subject, options.PageSize, null, Aborted);
            MoreReceipts = next.Length > 0;
            await LoadSessionsAsync(options.PageSize);
            var feedback = await Api.Feedback.ListFeedbackAsync(new ListFeedbackRequest { ParticipantId = Id, PageSize = options.PageSize }, cancellationToken: Aborted);
            FeedbackGiven = new FeedbackList(feedback.Feedback, "Feedback from this participant, newest first", Actors);
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
    public async Task<IActionResult> OnPostAsync()
    {
        var participant = new Participant { ParticipantId = Id };
        var mask = new FieldMask();
        if (Record.Status != ParticipantStatus.Unspecified)
        {
            participant.Status = Record.Status;
            mask.Paths.Add("status");
        }

        if (Record.Consent is "given" or "withdrawn")
        {
            participant.Consent = new Consent { Given = Record.Consent == "given", Method = "portal" };
            mask.Paths.Add("consent");
        }

        var now = Timestamp.FromDateTimeOffset(Record.Time());
        if (Record.Contacted)
        {
            participant.LastContactTime = now;
            mask.Paths.Add("last_contact_time");
        }

        if (Record.Replied)
        {
            participant.ReplyTime = now;
            mask.Paths.Add("reply_time");
        }

        try
        {
            await Api.Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest { Participant = participant, UpdateMask = mask, Note = Record.Note ?? "" }, cancellationToken: Aborted);
            FlashNext("Recorded.");
            return RedirectToPage("/Cohorts/Participant", new { id = Id });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            return await ShowAgainAsync(ParticipantForms.Update, ex);
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
            return await ShowAgainAsync(ParticipantForms.Feedback, ex, FeedbackInput.Fields(highlights, blockers));
        }
    }

    /// <summary>The page again with <paramref name="form"/> as it was posted and the API's answer at its fields (and its approval id, if held).</summary>
    private async Task<IActionResult> ShowAgainAsync(string form, RpcException ex, FieldMap? fields = null)
    {
        await OnGetAsync();
        ShowProblem(ex, fields, form);
        return Page();
    }
}

/// <summary>The participant page's forms, as <see cref="PortalPageModel.HeldIn"/> names them.</summary>
public static class ParticipantForms
{
    public const string Update = "update";
    public const string Session = "session";
    public const string Feedback = "feedback";
    public const string Erase = "erase";
}

/// <summary>What the participant page's "Record an update" form posts.</summary>
public sealed class RecordInput
{
    public ParticipantStatus Status { get; set; }

    public string? Consent { get; set; }

    public bool Contacted { get; set; }

    public bool Replied { get; set; }

    public string? Note { get; set; }

    /// <summary>
    /// When "just now" was: set by the first submit and kept by the form shown again, so a held
    /// update submitted once approved is the same request the approval was given for.
    /// </summary>
    public string? At { get; set; }

    public DateTimeOffset Time()
    {
        if (!DateTimeOffset.TryParseExact(At, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            at = DateTimeOffset.UtcNow;
            At = at.ToString("O", CultureInfo.InvariantCulture);
        }

        return at;
    }
}
