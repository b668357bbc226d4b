using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Retention.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// Erasing the participant on their request (admins; docs/data-governance.md). The default policy holds
/// the first request for another admin's approval; the form then carries the approval's id
/// (<c>_ApprovalField</c>), and submitted again once approved, it erases.
/// </summary>
public sealed partial class ParticipantModel
{
    /// <summary>Facilitators record updates, sessions and feedback, except for an erased participant.</summary>
    public bool CanRecord => CurrentUser.CanFacilitate && Detail?.Participant.EraseTime is null;

    public async Task<IActionResult> OnPostEraseAsync(bool confirmed)
    {
        if (!confirmed)
        {
            await OnGetAsync();
            ModelState.AddModelError("confirmed", "Tick the box to confirm: erasure cannot be undone.");
            return Page();
        }

        try
        {
            var erased = await Api.Retention.EraseParticipantAsync(new EraseParticipantRequest { ParticipantId = Id }, cancellationToken: Aborted);
            FlashNext($"Personal data erased: {erased.Counts.Sum(c => c.Count)} record(s) removed or anonymised. The receipts stay.");
            return RedirectToPage("/Cohorts/Participant", pageHandler: null, new { id = Id });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            return await ShowAgainAsync(ParticipantForms.Erase, ex);
        }
    }
}
