namespace Pilotdeck.Portal.Pages.Tenants;

/// <summary>What the layout's tenant switcher posts.</summary>
public sealed class SwitchInput
{
    public string TenantId { get; set; } = "";

    /// <summary>The page the user was on; they return to it once signed in to the other tenant.</summary>
    public string? ReturnUrl { get; set; }
}
