using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// Reads the body of a JSON route as it streams in, token by token, and finds the first problem
/// with its line and column: a body that is not JSON at all (a quote the shell ate, a trailing
/// comma), or JSON that does not fit the request message (<see cref="JsonBodyWalk"/>: an unknown
/// field, a value of the wrong type). The transcoder would answer the first with a bare "Request
/// JSON payload is not correctly formatted." and the second with that or, for an unknown field, not
/// at all. It parses strict JSON too (no comments, no trailing commas, one value), so no body it
/// would read correctly is refused here.
/// </summary>
internal static class JsonBodyCheck
{
    private const int FirstBufferBytes = 16 * 1024;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The first problem of a body read into <paramref name="request"/> (whole, or its field named by the rule's <paramref name="bodyField"/>), or null.</summary>
    public static async Task<RpcException?> FindProblemAsync(Stream body, MessageDescriptor request, string bodyField, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FirstBufferBytes);
        var (filled, state, start) = (0, new JsonReaderState(), true);
        var walk = JsonBodyWalk.For(request, bodyField);
        var place = new Place();
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

                var json = buffer.AsSpan(skip, filled - skip);
                var (consumed, misfit) = Scan(json, isFinalBlock: read == 0, ref state, walk);
                if (misfit is { } found)
                {
                    return DoesNotFit(request, found.Path, found.Problem, place.Of(json[..found.At]));
                }

                place.Advance(json[..consumed]);
                if (read == 0)
                {
                    return null;
                }

                consumed += skip;
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

    private static (int Consumed, (string Path, string Problem, int At)? Misfit) Scan(ReadOnlySpan<byte> json, bool isFinalBlock, ref JsonReaderState state, JsonBodyWalk? walk)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock, state);
        while (reader.Read())
        {
            if (walk?.Step(ref reader) is { } misfit)
            {
                return (0, (misfit.Path, misfit.Problem, (int)reader.TokenStartIndex));
            }
        }

        state = reader.CurrentState;
        return ((int)reader.BytesConsumed, null);
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

    private static RpcException DoesNotFit(MessageDescriptor request, string path, string problem, (long Line, long Column) at)
    {
        var where = string.Create(CultureInfo.InvariantCulture, $"line {at.Line}, column {at.Column}");
        return ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.RequestJsonInvalid,
            $"The request body does not fit {request.Name} at {(path.Length == 0 ? "its top" : path)} ({where}): {problem}{(problem.EndsWith('?') ? "" : ".")}",
            new Dictionary<string, string>
            {
                ["line"] = at.Line.ToString(CultureInfo.InvariantCulture),
                ["column"] = at.Column.ToString(CultureInfo.InvariantCulture),
                ["field"] = path,
            },
            [new FieldViolation(path, problem)]);
    }

    /// <summary>Line and column (1-based, in bytes like the reader's own) of the bytes scanned so far, carried across reads.</summary>
    private sealed class Place
    {
        private long line = 1;
        private long column = 1;

        public void Advance(ReadOnlySpan<byte> scanned) => (line, column) = Of(scanned);

        public (long Line, long Column) Of(ReadOnlySpan<byte> before)
        {
            var lastBreak = before.LastIndexOf((byte)'\n');
            return lastBreak < 0
                ? (line, column + before.Length)
                : (line + before.Count((byte)'\n'), before.Length - lastBreak);
        }
    }
}
