using OpenIddict.Abstractions;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Jobs;

namespace Pilotdeck.Server.Platform.Errors;

/// <summary>
/// Two parts of the host read their forms themselves, outside Razor Pages (which answers a bad form
/// with 400 on its own): OpenIddict's OAuth endpoints and the Hangfire dashboard. A form past
/// ASP.NET Core's limits (a key over 2 KB, more than 1,024 fields, a value over 4 MB) threw from
/// inside them: a 500, and an error in the log for what an anonymous caller sent. The form is read
/// here first, and such a request is refused — on the OAuth endpoints with RFC 6749's
/// <c>invalid_request</c> (§5.2) naming the limit, on the dashboard with a bare status that the
/// error pages render — with 413 for a body over Kestrel's limit, else 400. Both then read the
/// form already parsed.
/// </summary>
public static class FormLimitsCheck
{
    public static void UsePilotdeckFormLimitsCheck(this WebApplication app) =>
        app.UseWhen(http => HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType
                && (IsOAuth(http.Request.Path) || http.Request.Path.StartsWithSegments(OperatorDashboard.Path)),
            check => check.Use(next => async http =>
            {
                var (status, problem) = (0, "");
                try
                {
                    await http.Request.ReadFormAsync(http.RequestAborted);
                }
                catch (InvalidDataException ex)
                {
                    (status, problem) = (StatusCodes.Status400BadRequest, $"The form could not be read: {ex.Message}");
                }
                catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    (status, problem) = (ex.StatusCode, "The form is larger than this server reads in one request.");
                }

                if (status == 0)
                {
                    await next(http);
                }
                else if (IsOAuth(http.Request.Path))
                {
                    await OAuthErrorResponse.Of(status, OpenIddictConstants.Errors.InvalidRequest, problem).ExecuteAsync(http);
                }
                else
                {
                    http.Response.StatusCode = status;
                }
            }));

    private static bool IsOAuth(PathString path) => path.StartsWithSegments(TokenServerRegistration.OAuthPathBase);
}
