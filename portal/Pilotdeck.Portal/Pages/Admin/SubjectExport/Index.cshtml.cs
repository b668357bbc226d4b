using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Admin.SubjectExport;

/// <summary>
/// An admin exports everything held about one participant (docs/data-subject-export.md). The
/// default policy holds each export for a second admin: the first press opens the approval request
/// and fills in its id; once approved, the same press downloads the zip. The zip is passed through
/// as it streams, so a large recording never sits in the portal's memory.
/// </summary>
public sealed class IndexModel : PortalPageModel
{
    private static readonly FieldMap Fields = new FieldMap().Add("participant_id", nameof(Participant), "Participant id");

    [BindProperty(SupportsGet = true)]
    public string? Participant { get; set; }

    [BindProperty]
    public string? ApprovalId { get; set; }

    /// <summary>The APPROVAL_REQUIRED error's metadata, when the policy held the export.</summary>
    public IReadOnlyDictionary<string, string>? ApprovalNeeded { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var headers = string.IsNullOrWhiteSpace(ApprovalId) ? null : new Metadata { { "pilotdeck-approval-id", ApprovalId.Trim() } };
        var call = Api.Cohorts.ExportDataSubject(new ExportDataSubjectRequest { ParticipantId = Participant ?? "" }, headers, cancellationToken: Aborted);
        try
        {
            // A refusal (bad id, approval, not found) arrives before the first chunk: only then are headers sent.
            if (!await call.ResponseStream.MoveNext(Aborted))
            {
                call.Dispose();
                return StatusCode(502);
            }
        }
        catch (RpcException ex) when (PilotdeckErrors.ErrorReasonOf(ex) == ErrorReason.ApprovalRequired)
        {
            call.Dispose();
            ApprovalNeeded = PilotdeckErrors.MetadataOf(ex);
            ApprovalId = ApprovalNeeded.GetValueOrDefault("approval_id");
            ModelState.Remove(nameof(ApprovalId));
            return Page();
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            call.Dispose();
            ShowProblem(ex, Fields);
            return Page();
        }

        using (call)
        {
            var first = call.ResponseStream.Current;
            Response.ContentType = "application/zip";
            Response.ContentLength = first.ZipSizeBytes;
            Response.Headers.ContentDisposition = $"attachment; filename=\"subject-export-{Participant!.Trim()}.zip\"";
            await Response.Body.WriteAsync(first.Data.Memory, Aborted);
            while (await call.ResponseStream.MoveNext(Aborted))
            {
                await Response.Body.WriteAsync(call.ResponseStream.Current.Data.Memory, Aborted);
            }
        }

        return new EmptyResult();
    }
}
