using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Admin.ApiClients;

/// <summary>Shows a just-issued secret once; afterwards it says the secret is gone.</summary>
public sealed class SecretModel : PortalPageModel
{
    public IssuedSecret? Issued { get; private set; }

    public void OnGet()
    {
        Issued = IssuedSecret.Take(TempData);
        // Keep the secret out of the browser's cache and history snapshots.
        Response.Headers.CacheControl = "no-store";
        Response.Headers.Pragma = "no-cache";
    }
}
