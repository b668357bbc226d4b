namespace Pilotdeck.Data.Identity;

/// <summary>
/// Key material for signing access tokens. Persisted so that tokens survive restarts and every
/// server instance signs with, and publishes, the same keys.
/// </summary>
public sealed class SigningKey
{
    /// <summary>The JWT <c>kid</c>.</summary>
    public required string Id { get; init; }

    public required string Algorithm { get; init; }

    /// <summary>PKCS#8 private key.</summary>
    public required byte[] PrivateKey { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
