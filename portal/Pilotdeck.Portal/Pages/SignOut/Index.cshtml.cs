using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.SignOut;

/// <summary>
/// Clears the sign-in cookie. The API has no revocation endpoint yet, so the refresh token simply
/// goes unused and expires; it left the browser only inside the encrypted cookie being deleted.
/// </summary>
public sealed class IndexModel : PortalPageModel
{
    public bool SignedIn { get; private set; }

    public void OnGet() => SignedIn = Session.User is not null;

    public async Task<IActionResult> OnPostAsync()
    {
        await PortalAuthentication.SignOutAsync(HttpContext);
        FlashNext("You are signed out.");
        return RedirectToPage("/SignIn/Index");
    }
}
