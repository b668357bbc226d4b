using System.ComponentModel.DataAnnotations;
using Pilotdeck.Contracts.Api.V1;

namespace Pilotdeck.Portal.Pages.Admin.Members;

/// <summary>
/// What the add-member form posts. Validation is the API's: its field violations are shown next
/// to these inputs, so the rules live in one place.
/// </summary>
public sealed class AddMemberInput
{
    [Display(Name = "Email")]
    public string? Email { get; set; }

    [Display(Name = "Role")]
    public TenantRole Role { get; set; } = TenantRole.Viewer;

    [Display(Name = "Initial password")]
    [DataType(DataType.Password)]
    public string? InitialPassword { get; set; }

    /// <summary>Issued with the form so a double submit adds the member once.</summary>
    public string RequestId { get; set; } = "";
}
