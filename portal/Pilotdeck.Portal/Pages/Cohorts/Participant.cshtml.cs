using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Portal.Infrastructure;
using Pilotdeck.Portal.Pages.Receipts;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// One participant: profile, status history, outreach notes, UAT sessions and attachments, and the
/// receipts of every change to them (checked against the log); facilitators record a status change,
/// consent, contact, a reply or a note here, and a session with an attachment (Participant.Sessions.cs).
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
}
