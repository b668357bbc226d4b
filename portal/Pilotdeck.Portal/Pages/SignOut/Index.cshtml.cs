using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Pilotdeck.Client;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.SignOut;

/// <summary>
/// Ends the sign-in at the API (its refresh token is revoked, so a copy of the cookie cannot be
/// used to stay signed in) and clears the cookie.
/// </summary>
public sealed class IndexModel(ILogger<IndexModel> logger) : PortalPageModel
{
    public bool SignedIn { get; private set; }

    public void OnGet() => SignedIn = Session.User is not null;

    public async Task<IActionResult> OnPostAsync()
    {
        if (Session.User is not null)
        {
            try
            {
                await Api.SignOutAsync(Aborted);
            }
            catch (Exception exception) when (exception is HttpRequestException or PilotdeckAuthException)
            {
                // The browser is signed out regardless; the server-side sign-in then runs out on its own.
                logger.LogWarning(exception, "Could not revoke the refresh token at sign-out; it stays valid until it expires.");
            }
        }

        await PortalAuthentication.SignOutAsync(HttpContext);
        FlashNext("You are signed out.");
        return RedirectToPage("/SignIn/Index");
    }
}
