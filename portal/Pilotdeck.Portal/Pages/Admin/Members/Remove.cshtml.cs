using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Admin.Members;

/// <summary>Confirms, then removes a member from the tenant; the account itself stays.</summary>
public sealed class RemoveModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string UserId { get; set; } = "";

    public MemberRow? Member { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            var response = await Api.Identity.GetMemberAsync(new GetMemberRequest { UserId = UserId }, cancellationToken: Aborted);
            Member = MemberRow.From(response.Member, CurrentUser.Subject);
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        try
        {
            var member = await Api.Identity.GetMemberAsync(new GetMemberRequest { UserId = UserId }, cancellationToken: Aborted);
            await Api.Identity.DeleteMemberAsync(new DeleteMemberRequest { UserId = UserId }, cancellationToken: Aborted);
            FlashNext($"{member.Member.Email} was removed from this tenant.");
            return RedirectToPage("/Admin/Members/Index");
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
            return Page();
        }
    }
}
