using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Pilotdeck.Data.Identity;

/// <summary>
/// High-entropy bearer secrets (client secrets, refresh tokens). 256 random bits cannot be guessed
/// or brute-forced from a leaked hash, so a single SHA-256 suffices where passwords need a slow hash.
/// </summary>
internal static class Secrets
{
    public static string New(string prefix, int bytes = 32)
        => prefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(bytes));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string secret, byte[] hash)
        => CryptographicOperations.FixedTimeEquals(Hash(secret), hash);

    public static string NewId() => Guid.CreateVersion7().ToString("N");
}
