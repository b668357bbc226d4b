using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Admin.ApiClients;

/// <summary>Shows a just-issued secret once, with a first call that uses it; afterwards it says the secret is gone.</summary>
public sealed class SecretModel : PortalPageModel
{
    public IssuedSecret? Issued { get; private set; }

    /// <summary>Shell lines that get a token with the new secret and ask the API who is calling: the partner's first success.</summary>
    public string? FirstCall { get; private set; }

    public void OnGet()
    {
        Issued = IssuedSecret.Take(TempData);
        // Keep the secret out of the browser's cache and history snapshots.
        Response.Headers.CacheControl = "no-store";
        Response.Headers.Pragma = "no-cache";
        if (Issued is { } issued)
        {
            FirstCall = FirstCallWith(issued, HttpContext.RequestServices.GetRequiredService<PortalClientFactory>().ApiUrlFor(HttpContext));
        }
    }

    /// <summary>
    /// curl against the API endpoint the portal itself uses. A cleartext one speaks HTTP/2 only
    /// (h2c), so curl is told so; over TLS it negotiates HTTP/2 by itself.
    /// </summary>
    internal static string FirstCallWith(IssuedSecret issued, Uri api)
    {
        var curl = api.Scheme == Uri.UriSchemeHttp ? "curl -sS --http2-prior-knowledge" : "curl -sS";
        var root = api.GetLeftPart(UriPartial.Authority);
        return $"""
            TOKEN=$({curl} {root}/oauth2/token \
              -u '{issued.ClientId}:{issued.Secret}' -d grant_type=client_credentials | jq -r .access_token)
            {curl} -H "authorization: Bearer $TOKEN" {root}/v1/caller
            """;
    }
}
