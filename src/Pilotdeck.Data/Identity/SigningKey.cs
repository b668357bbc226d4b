namespace Pilotdeck.Data.Identity;

/// <summary>
/// Key material of the token server: ES256 keys that sign tokens and the AES key that encrypts the
/// tokens only the server reads (refresh and device codes). Persisted so that tokens survive
/// restarts and every server instance signs with, and publishes, the same keys.
/// </summary>
public sealed class SigningKey
{
    public const string SigningAlgorithm = "ES256";
    public const string EncryptionAlgorithm = "A256KW";

    /// <summary>The JWT <c>kid</c>.</summary>
    public required string Id { get; init; }

    /// <summary><see cref="SigningAlgorithm"/> or <see cref="EncryptionAlgorithm"/>.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The PKCS#8 private key or the raw AES key, protected with ASP.NET Core Data Protection.</summary>
    public required byte[] PrivateKey { get; init; }

    /// <summary>Signs from this moment (a rotated-in key is published ahead of use).</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
