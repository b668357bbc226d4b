namespace Pilotdeck.Data.Identity;

/// <summary>Access and refresh token settings, bound from <c>Pilotdeck:Tokens</c>.</summary>
public sealed class TokenServiceOptions
{
    public const string Section = "Pilotdeck:Tokens";

    /// <summary>The <c>iss</c> claim; defaults to <c>pilotdeck</c>.</summary>
    public string Issuer { get; set; } = "pilotdeck";

    /// <summary>The <c>aud</c> claim; defaults to <c>pilotdeck-api</c>.</summary>
    public string Audience { get; set; } = "pilotdeck-api";

    /// <summary>Defaults to 10 minutes: access tokens cannot be revoked, so they must die young.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Absolute lifetime of a sign-in's refresh chain; rotation does not extend it. Defaults to 14 days.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Tolerated clock difference between servers; defaults to 30 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
