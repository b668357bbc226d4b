using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Pilotdeck.Data.Identity;

/// <summary>High-entropy random identifiers and bearer secrets (client ids and secrets, generated passwords).</summary>
internal static class Secrets
{
    public static string New(string prefix, int bytes = 32)
        => prefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(bytes));

    public static string NewId() => Guid.CreateVersion7().ToString("N");
}
