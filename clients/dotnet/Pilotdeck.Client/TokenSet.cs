namespace Pilotdeck.Client;

/// <summary>The tokens the client currently holds.</summary>
/// <param name="AccessToken">The JWT sent as <c>authorization: Bearer …</c>.</param>
/// <param name="ExpiresAt">When the access token stops being accepted (from the token response's <c>expires_in</c>).</param>
/// <param name="RefreshToken">For user sign-ins, the refresh token; rotated on every refresh, so persist the latest one. Null for API clients.</param>
public sealed record TokenSet(string AccessToken, DateTimeOffset ExpiresAt, string? RefreshToken);
