using System.Text.Json;

namespace Pilotdeck.Server.Platform.Auth;

/// <summary>
/// OpenIddict reads an OAuth endpoint's form itself, and a form past ASP.NET Core's limits (a key
/// over 2 KB, more than 1,024 fields, a value over 4 MB) throws from inside it: an anonymous caller
/// got a 500 and the log an error. The form is read here first, so that such a request gets RFC
/// 6749's <c>invalid_request</c> (§5.2) with the limit it broke — 413 for a body over Kestrel's
/// limit, else 400 — and OpenIddict reads the form already parsed.
/// </summary>
public static class OAuthFormCheck
{
    public static void UsePilotdeckOAuthFormCheck(this WebApplication app) =>
        app.UseWhen(http => HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType && http.Request.Path.StartsWithSegments("/oauth2"),
            check => check.Use(next => async http =>
            {
                try
                {
                    await http.Request.ReadFormAsync(http.RequestAborted);
                }
                catch (InvalidDataException ex)
                {
                    await RefuseAsync(http.Response, StatusCodes.Status400BadRequest, $"The form could not be read: {ex.Message}");
                    return;
                }
                catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    await RefuseAsync(http.Response, ex.StatusCode, "The form is larger than this server reads in one request.");
                    return;
                }

                await next(http);
            }));

    private static Task RefuseAsync(HttpResponse response, int status, string description)
    {
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        return response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["error"] = "invalid_request",
            ["error_description"] = description,
        }), response.HttpContext.RequestAborted);
    }
}
