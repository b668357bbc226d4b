namespace Pilotdeck.Server.Platform.Auth;

/// <summary>Claim names in Pilotdeck access tokens (registered JWT/OAuth names where one exists).</summary>
public static class PilotdeckClaims
{
    public const string Subject = "sub";
    public const string Tenant = "tenant";
    public const string Role = "role";
    public const string ClientId = "client_id";
    public const string InstallationOperator = "installation_operator";
}
