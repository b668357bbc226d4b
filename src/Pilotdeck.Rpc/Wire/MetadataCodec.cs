namespace Pilotdeck.Rpc.Wire;

/// <summary>Moves metadata between HTTP header lists and <see cref="Metadata"/>, base64 for <c>-bin</c> keys.</summary>
public static class MetadataCodec
{
    /// <summary>Header value for one entry: base64 without padding for binary, as the spec recommends.</summary>
    public static string ToHeaderValue(Metadata.Entry entry) =>
        entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes).TrimEnd('=') : entry.Value;

    /// <summary>Adds a received header to <paramref name="metadata"/>; reserved and malformed headers are skipped.</summary>
    public static void AddFromHeader(Metadata metadata, string name, string value)
    {
        var key = name.ToLowerInvariant();
        if (GrpcProtocol.IsReservedHeader(key) || !MetadataRules.IsValidKey(key))
        {
            return;
        }

        if (Metadata.Entry.IsBinaryKey(key))
        {
            // A repeated binary header may arrive comma-joined; each part is its own value.
            foreach (var part in value.Split(','))
            {
                if (TryDecodeBase64(part.Trim(), out var bytes))
                {
                    metadata.Add(key, bytes);
                }
            }
        }
        else if (MetadataRules.IsValidAsciiValue(value))
        {
            metadata.Add(key, value);
        }
    }

    public static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var padded = (text.Length % 4) switch
        {
            2 => text + "==",
            3 => text + "=",
            _ => text,
        };
        bytes = new byte[padded.Length];
        if (Convert.TryFromBase64String(padded, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        bytes = [];
        return false;
    }

    /// <summary>Encodes google.rpc.Status for <c>grpc-status-details-bin</c>.</summary>
    public static string EncodeStatusDetails(Google.Rpc.Status status) =>
        Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(status)).TrimEnd('=');

    public static Google.Rpc.Status? DecodeStatusDetails(string? header)
    {
        if (header is null || !TryDecodeBase64(header, out var bytes))
        {
            return null;
        }

        try
        {
            return Google.Rpc.Status.Parser.ParseFrom(bytes);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
