using System.Text.Json;
using Pilotdeck.Transparency.Dsse;

namespace Pilotdeck.Cli.Imports;

/// <summary>Offline check of an import error manifest against a PEM public key: no server involved.</summary>
public static class ManifestVerification
{
    public const string PayloadType = "application/vnd.pilotdeck.import-manifest+json";

    /// <summary>The manifest's summary when a signature verifies; an error message otherwise.</summary>
    public static (bool Verified, string Message) Verify(string envelopeJson, string publicKeyPem)
    {
        byte[] key;
        DsseEnvelope envelope;
        try
        {
            key = Ed25519PublicKeyPem.Parse(publicKeyPem);
            envelope = DsseEnvelope.Parse(envelopeJson);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return (false, ex.Message);
        }

        if (envelope.PayloadType != PayloadType)
        {
            return (false, $"not a Pilotdeck import manifest (payloadType '{envelope.PayloadType}')");
        }

        if (!envelope.VerifiedBy(key))
        {
            return (false, "the signature does not verify with this key: the manifest was changed, or signed by another installation");
        }

        using var manifest = JsonDocument.Parse(envelope.PayloadBytes());
        var root = manifest.RootElement;
        return (true, $"verified: import {root.GetProperty("import_id").GetString()} of tenant {root.GetProperty("tenant").GetString()}, " +
            $"source sha256 {root.GetProperty("source_sha256").GetString()}, plan hash {root.GetProperty("plan_hash").GetString()}, " +
            $"{root.GetProperty("rejected_rows").GetArrayLength()} rejected row(s)");
    }
}
