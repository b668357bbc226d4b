namespace Pilotdeck.Client;

/// <summary>
/// The token endpoint refused to issue tokens (RFC 6749 §5.2), e.g. <c>invalid_client</c> for a wrong,
/// revoked or expired client secret, or <c>invalid_grant</c> for a wrong password or a used or
/// expired refresh token. Retrying with the same credentials will not help.
/// </summary>
public sealed class PilotdeckAuthException : Exception
{
    /// <summary>Creates the exception from the token endpoint's <c>error</c> and <c>error_description</c>.</summary>
    public PilotdeckAuthException(string error, string description)
        : base(string.IsNullOrEmpty(description) ? error : $"{error}: {description}")
    {
        Error = error;
        Description = description;
    }

    /// <summary>The RFC 6749 error code, e.g. <c>invalid_grant</c> or <c>invalid_client</c>.</summary>
    public string Error { get; }

    /// <summary>The server's human-readable explanation; empty when it sent none.</summary>
    public string Description { get; }
}
