using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pilotdeck.Transparency.Notes;

namespace Pilotdeck.Transparency.Dsse;

/// <summary>
/// A DSSE envelope (github.com/secure-systems-lab/dsse, protocol v1) signed with Ed25519: the
/// signature is over PAE(payloadType, payload) =
/// <c>"DSSEv1" SP len(type) SP type SP len(payload) SP payload</c>, lengths as ASCII decimals of
/// byte counts. JSON form: <c>{"payloadType", "payload": base64, "signatures": [{"keyid", "sig": base64}]}</c>.
/// </summary>
public sealed class DsseEnvelope
{
    [JsonPropertyName("payloadType")]
    public required string PayloadType { get; init; }

    /// <summary>Base64 (standard alphabet, padded) of the payload bytes.</summary>
    [JsonPropertyName("payload")]
    public required string Payload { get; init; }

    [JsonPropertyName("signatures")]
    public required IReadOnlyList<DsseSignature> Signatures { get; init; }

    /// <summary>The pre-authentication encoding the signatures are over.</summary>
    public static byte[] Pae(string payloadType, ReadOnlySpan<byte> payload)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"DSSEv1 {type.Length} "));
        var middle = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {payload.Length} "));
        return [.. head, .. type, .. middle, .. payload];
    }

    /// <summary>Signs <paramref name="payload"/> with <paramref name="key"/>; the keyid is <see cref="KeyIdOf"/> of its public key.</summary>
    public static DsseEnvelope Sign(string payloadType, byte[] payload, NoteSigningKey key) => new()
    {
        PayloadType = payloadType,
        Payload = Convert.ToBase64String(payload),
        Signatures = [new DsseSignature { KeyId = KeyIdOf(key.VerifierKey.PublicKey), Sig = Convert.ToBase64String(key.Sign(Pae(payloadType, payload))) }],
    };

    /// <summary>Lower-case hex SHA-256 of a raw Ed25519 public key: how envelopes name the key.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey));

    /// <summary>The payload bytes.</summary>
    public byte[] PayloadBytes() => Convert.FromBase64String(Payload);

    /// <summary>True when a signature by <paramref name="publicKey"/> (raw 32 bytes) verifies over this envelope's PAE.</summary>
    public bool VerifiedBy(ReadOnlySpan<byte> publicKey)
    {
        byte[] payload;
        try
        {
            payload = PayloadBytes();
        }
        catch (FormatException)
        {
            return false;
        }

        var pae = Pae(PayloadType, payload);
        foreach (var signature in Signatures)
        {
            if (TryBase64(signature.Sig) is { } sig && Ed25519.Verify(publicKey, pae, sig))
            {
                return true;
            }
        }

        return false;
    }

    // Relaxed escaping keeps the payload type readable ("+json", not "\u002Bjson"); it is a file, not HTML.
    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <exception cref="JsonException">Not a DSSE envelope.</exception>
    public static DsseEnvelope Parse(string json) =>
        JsonSerializer.Deserialize<DsseEnvelope>(json) ?? throw new JsonException("The file holds no DSSE envelope.");

    private static byte[]? TryBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

public sealed class DsseSignature
{
    [JsonPropertyName("keyid")]
    public string KeyId { get; init; } = "";

    [JsonPropertyName("sig")]
    public required string Sig { get; init; }
}

/// <summary>Ed25519 public keys as PEM SubjectPublicKeyInfo (RFC 8410), the form OpenSSL and python-cryptography read.</summary>
public static class Ed25519PublicKeyPem
{
    // SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING (32 bytes) }: the fixed DER prefix of every Ed25519 SPKI.
    private static readonly byte[] SpkiPrefix = Convert.FromHexString("302a300506032b6570032100");

    public static string Format(ReadOnlySpan<byte> publicKey) =>
        new string(PemEncoding.Write("PUBLIC KEY", [.. SpkiPrefix, .. publicKey]));

    /// <exception cref="FormatException">Not a PEM Ed25519 public key.</exception>
    public static byte[] Parse(string pem)
    {
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not "PUBLIC KEY")
        {
            throw new FormatException("Not a PEM public key (-----BEGIN PUBLIC KEY-----).");
        }

        var der = Convert.FromBase64String(pem[fields.Base64Data].ToString());
        if (der.Length != SpkiPrefix.Length + 32 || !der.AsSpan(0, SpkiPrefix.Length).SequenceEqual(SpkiPrefix))
        {
            throw new FormatException("The PEM key is not an Ed25519 public key.");
        }

        return der[SpkiPrefix.Length..];
    }
}
