namespace Pilotdeck.Server.Platform.Auth;

/// <summary>An OAuth error answered by Pilotdeck rather than OpenIddict, as RFC 6749 §5.2 shapes it: <c>{"error", "error_description"}</c>.</summary>
public static class OAuthErrorResponse
{
    public static IResult Of(int status, string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);
}
