using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.Net.Http.Headers;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// Reads the body of a JSON route as plain JSON before the transcoder does, so that a body that is
/// not JSON at all (a quote the shell ate, a trailing comma) is answered with where the parser
/// stopped — reason REQUEST_JSON_INVALID, metadata <c>line</c> and <c>column</c> — instead of the
/// transcoder's bare "Request JSON payload is not correctly formatted.". The transcoder parses
/// strict JSON too (no comments, no trailing commas, one value), so nothing it would accept is
/// refused here. The body is scanned as it streams in, token by token, and kept for the transcoder.
/// </summary>
public static class JsonBodyCheck
{
    private const int FirstBufferBytes = 16 * 1024;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static void UsePilotdeckJsonBodyCheck(this WebApplication app) =>
        app.UseWhen(HasJsonBody, check => check.Use(next => async http =>
        {
            http.Request.EnableBuffering();
            var error = await FindSyntaxErrorAsync(http.Request.Body, http.RequestAborted);
            if (error is not null)
            {
                await ApiErrors.WriteJsonAsync(http.Response, error, StatusCodes.Status400BadRequest);
                return;
            }

            http.Request.Body.Position = 0;
            await next(http);
        }));

    /// <summary>A JSON route that takes a body (its rule's <c>body</c>), sent as JSON: the requests the transcoder parses.</summary>
    private static bool HasJsonBody(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is { HttpRule.Body.Length: > 0 }
        && MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type)
        && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static async Task<RpcException?> FindSyntaxErrorAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FirstBufferBytes);
        var (filled, state, start) = (0, new JsonReaderState(), true);
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // One token (a base64 file in a string) outgrew the buffer: keep all of it.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                filled += read;
                var skip = 0;
                if (start)
                {
                    if (read > 0 && filled < Utf8Bom.Length)
                    {
                        continue; // too few bytes yet to tell a byte order mark, which the transcoder skips
                    }

                    (start, skip) = (false, buffer.AsSpan(0, filled).StartsWith(Utf8Bom) ? Utf8Bom.Length : 0);
                }

                var consumed = skip + Scan(buffer.AsSpan(skip, filled - skip), isFinalBlock: read == 0, ref state);
                if (read == 0)
                {
                    return null;
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        catch (JsonException ex)
        {
            return Invalid(ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Scan(ReadOnlySpan<byte> json, bool isFinalBlock, ref JsonReaderState state)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock, state);
        while (reader.Read())
        {
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    /// <summary>The reader's message without what speaks to .NET programmers: its zero-based position, its options, its isFinalBlock.</summary>
    private static string Describe(string message)
    {
        if (message.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "the body is empty; the route takes a JSON object";
        }

        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var what = (cut > 0 ? message[..cut] : message)
            .Replace(" which is not supported in this mode. Change the reader options", "", StringComparison.Ordinal)
            .Replace(", when isFinalBlock is true", "", StringComparison.Ordinal)
            .Replace(" when isFinalBlock is true", "", StringComparison.Ordinal)
            .TrimEnd(' ', '.');
        // It follows a colon: "The JSON object…" reads on as "the JSON object…"; "JSON…" stays.
        return what.Length > 1 && char.IsUpper(what[0]) && char.IsLower(what[1]) ? char.ToLowerInvariant(what[0]) + what[1..] : what;
    }

    private static RpcException Invalid(JsonException ex)
    {
        var (line, column) = ((ex.LineNumber ?? 0) + 1, (ex.BytePositionInLine ?? 0) + 1);
        var what = Describe(ex.Message);
        return ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.RequestJsonInvalid,
            string.Create(CultureInfo.InvariantCulture, $"The request body is not valid JSON: {what} (line {line}, column {column})."),
            new Dictionary<string, string>
            {
                ["line"] = line.ToString(CultureInfo.InvariantCulture),
                ["column"] = column.ToString(CultureInfo.InvariantCulture),
            });
    }
}
