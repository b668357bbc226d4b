using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Pilotdeck.Transparency.Notes;

/// <summary>
/// The one place that touches the Ed25519 library (BouncyCastle, ADR 0011), so changing library
/// means changing this file only. Keys are RFC 8032 raw forms: a 32-byte seed and a 32-byte public key.
/// </summary>
internal static class Ed25519
{
    public const int SeedSize = 32;
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;

    public static byte[] PublicKeyFromSeed(ReadOnlySpan<byte> seed) =>
        new Ed25519PrivateKeyParameters(seed.ToArray(), 0).GeneratePublicKey().GetEncoded();

    public static byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message)
    {
        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, new Ed25519PrivateKeyParameters(seed.ToArray(), 0));
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }
        var verifier = new Ed25519Signer();
        verifier.Init(forSigning: false, new Ed25519PublicKeyParameters(publicKey.ToArray(), 0));
        verifier.BlockUpdate(message);
        return verifier.VerifySignature(signature.ToArray());
    }
}
