using Pilotdeck.Contracts.Api.V1;

namespace Pilotdeck.Portal.Pages.Admin.Members;

/// <summary>What a row's "Change role" form posts.</summary>
public sealed class ChangeRoleInput
{
    public string UserId { get; set; } = "";

    public TenantRole Role { get; set; }
}
