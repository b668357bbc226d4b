using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Admin.Members;

/// <summary>Adds a user to the tenant, creating the account when the email is new.</summary>
public sealed class AddModel : PortalPageModel
{
    internal static readonly FieldMap Fields = new FieldMap()
        .Add("email", "Input.Email", "Email")
        .Add("role", "Input.Role", "Role")
        .Add("initial_password", "Input.InitialPassword", "Initial password");

    [BindProperty]
    public AddMemberInput Input { get; set; } = new();

    public void OnGet() => Input.RequestId = Guid.NewGuid().ToString();

    public async Task<IActionResult> OnPostAsync()
    {
        try
        {
            var request = new CreateMemberRequest
            {
                RequestId = Input.RequestId,
                Email = Input.Email?.Trim() ?? "",
                Role = Input.Role,
                InitialPassword = Input.InitialPassword ?? "",
            };
            var created = await Api.Identity.CreateMemberAsync(request, cancellationToken: Aborted);
            FlashNext($"{created.Member.Email} was added as {Roles.Label(created.Member.Role)}.");
            return RedirectToPage("/Admin/Members/Index");
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex, Fields);
            // A rejected request may be corrected and sent again; it is a new request then.
            Input.RequestId = Guid.NewGuid().ToString();
            return Page();
        }
    }
}
