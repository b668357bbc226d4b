using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Retention.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// Erasing the participant on their request (admins; docs/data-governance.md). The default policy holds
/// the first request for another admin's approval; the admin then repeats it with the approval's id.
/// </summary>
public sealed partial class ParticipantModel
{
    /// <summary>Facilitators record updates, sessions and feedback, except for an erased participant.</summary>
    public bool CanRecord => CurrentUser.CanFacilitate && Detail?.Participant.EraseTime is null;

    public async Task<IActionResult> OnPostEraseAsync(bool confirmed, string? approvalId)
    {
        if (!confirmed)
        {
            await OnGetAsync();
            ModelState.AddModelError("confirmed", "Tick the box to confirm: erasure cannot be undone.");
            return Page();
        }

        try
        {
            var headers = string.IsNullOrWhiteSpace(approvalId) ? null : new Metadata { { "pilotdeck-approval-id", approvalId.Trim() } };
            var erased = await Api.Retention.EraseParticipantAsync(new EraseParticipantRequest { ParticipantId = Id }, headers, cancellationToken: Aborted);
            FlashNext($"Personal data erased: {erased.Counts.Sum(c => c.Count)} record(s) removed or anonymised. The receipts stay.");
            return RedirectToPage("/Cohorts/Participant", pageHandler: null, new { id = Id });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await OnGetAsync();
            ShowProblem(ex);
            return Page();
        }
    }
}
