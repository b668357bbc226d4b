using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Admin.SubjectExport;

/// <summary>
/// An admin exports everything held about one participant (docs/data-subject-export.md). The
/// default policy holds each export for a second admin: the first press opens the approval request
/// and the form gains its id (<c>_ApprovalField</c>); once approved, the same press downloads the
/// zip. The zip is passed through as it streams, so a large recording never sits in the portal's
/// memory.
/// </summary>
public sealed class IndexModel : PortalPageModel
{
    private static readonly FieldMap Fields = new FieldMap().Add("participant_id", nameof(Participant), "Participant id");

    [BindProperty(SupportsGet = true)]
    public string? Participant { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var call = Api.Cohorts.ExportDataSubject(new ExportDataSubjectRequest { ParticipantId = Participant ?? "" }, cancellationToken: Aborted);
        try
        {
            // A refusal (bad id, approval, not found) arrives before the first chunk: only then are headers sent.
            if (!await call.ResponseStream.MoveNext(Aborted))
            {
                call.Dispose();
                return StatusCode(502);
            }
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
