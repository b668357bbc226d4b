namespace Pilotdeck.Server.Platform.Auth;

/// <summary>Token server settings, bound from <c>Pilotdeck:Tokens</c>.</summary>
public sealed class TokenOptions
{
    public const string Section = "Pilotdeck:Tokens";

    /// <summary>
    /// The <c>iss</c> of every token (an absolute URI). Defaults to the API's gRPC URL: one fixed
    /// issuer, so tokens fetched on the HTTP/1.1 endpoint are valid on the gRPC one and vice versa.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> claim; defaults to <c>pilotdeck-api</c>.</summary>
    public string Audience { get; set; } = "pilotdeck-api";

    /// <summary>Defaults to 10 minutes: access tokens are checked without a lookup, so they must die young.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Absolute lifetime of a sign-in's refresh chain; rotation does not extend it. Defaults to 14 days.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long a device code waits for approval (RFC 8628); defaults to 10 minutes.</summary>
    public TimeSpan DeviceCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The page where users approve a device sign-in (the portal's <c>/device</c>), as told to the CLI.
    /// Defaults to this host's portal endpoint when it serves the portal.
    /// </summary>
    public string? VerificationUri { get; set; }

    /// <summary>
    /// How long a signing key signs before the next one takes over (checked by the daily
    /// housekeeping). Defaults to 90 days. A retired key is published until its last token expires.
    /// </summary>
    public TimeSpan SigningKeyRotation { get; set; } = TimeSpan.FromDays(90);
}
