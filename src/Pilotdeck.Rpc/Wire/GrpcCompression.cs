using System.IO.Compression;

namespace Pilotdeck.Rpc.Wire;

/// <summary>Message compression. gzip is the one algorithm every implementation supports; identity means none.</summary>
public static class GrpcCompression
{
    public const string Identity = "identity";
    public const string Gzip = "gzip";

    /// <summary>What we advertise in <c>grpc-accept-encoding</c>.</summary>
    public const string AcceptEncodingValue = "identity,gzip";

    public static bool IsSupported(string encoding) => encoding is Identity or Gzip;

    /// <summary>Whether the peer listed <paramref name="encoding"/> in its <c>grpc-accept-encoding</c>.</summary>
    public static bool PeerAccepts(string? acceptEncoding, string encoding) =>
        acceptEncoding is not null && acceptEncoding.Split(',').Any(e => e.Trim() == encoding);

    public static byte[] Compress(string encoding, ReadOnlySpan<byte> payload)
    {
        EnsureGzip(encoding);
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return output.ToArray();
    }

    /// <summary>Inflates, refusing to grow past the receive limit so a small bomb cannot exhaust memory.</summary>
    public static byte[] Decompress(string encoding, byte[] compressed, int maxMessageSize)
    {
        EnsureGzip(encoding);
        try
        {
            using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + read > maxMessageSize)
                {
                    throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Decompressed message larger than max ({maxMessageSize} bytes)."));
                }

                output.Write(chunk, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Could not decompress message: " + ex.Message));
        }
    }

    private static void EnsureGzip(string encoding)
    {
        if (encoding != Gzip)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'."));
        }
    }
}
