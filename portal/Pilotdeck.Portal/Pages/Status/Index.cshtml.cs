using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Status;

/// <summary>
/// What a browser shows for an error response that has no body of its own: a mistyped address,
/// a page that answered 404, a form that could not be read. The host re-executes those requests
/// here (see the server's ErrorPages); it is anonymous, so it also answers before sign-in, and it
/// takes no antiforgery token, so a re-executed form post renders it too.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class IndexModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Code { get; set; }

    public string? OriginalPath { get; private set; }

    public bool SignedIn { get; private set; }

    public string Title => Code switch
    {
        404 => "Page not found",
        400 => "The request could not be read",
        401 or 403 => "Not allowed",
        405 => "Not available this way",
        >= 500 => "Something went wrong",
        _ => "That did not work",
    };

    public string Explanation => Code switch
    {
        404 => "Nothing lives at this address. It may be mistyped, or the link may point to something that was removed.",
        400 => "If you submitted a form, it may have been open for too long: reload the page and try again.",
        401 or 403 => "Your sign-in does not give access to this address.",
        405 => "This address does not take that kind of request.",
        >= 500 => "The server could not answer. The error was logged; try again, and tell the installation's operator if it keeps happening.",
        _ => "The server refused the request.",
    };

    public IActionResult OnGet() => Render();

    public IActionResult OnPost() => Render();

    private IActionResult Render()
    {
        OriginalPath = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath;
        SignedIn = Session.User is not null;
        // Re-executed, the code is the response's own; opened directly (/status/404), the page
        // still answers with the code it describes.
        Response.StatusCode = Code is >= 400 and <= 599 ? Code : StatusCodes.Status404NotFound;
        return Page();
    }
}
