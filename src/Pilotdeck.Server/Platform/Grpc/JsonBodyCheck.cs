using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// Reads the body of a JSON route as it streams in, token by token, and finds its problems with
/// their lines and columns: a body that is not JSON at all (a quote the shell ate, a trailing
/// comma), or JSON that does not fit the request message (<see cref="JsonBodyWalk"/>: an unknown
/// field, a value of the wrong type; every one up to <see cref="MaxMisfits"/>, so that one round
/// trip shows them all). The transcoder would answer the first with a bare "Request JSON payload is
/// not correctly formatted." and the second with that or, for an unknown field, not at all. It
/// parses strict JSON too (no comments, no trailing commas, one value), so no body it would read
/// correctly is refused here.
/// </summary>
internal static class JsonBodyCheck
{
    /// <summary>Misfits named in one answer; past them the body is not read further.</summary>
    public const int MaxMisfits = 20;

    private const int FirstBufferBytes = 16 * 1024;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// The problems of a body read into <paramref name="request"/> (whole, or its field named by the
    /// rule's <paramref name="bodyField"/>) as one error, or null: a syntax error alone, since what
    /// follows it cannot be read; else the misfits, the first in the message and all in field violations.
    /// A body of no bytes at all has no problem here: it reads as <c>{}</c> (<see cref="JsonRequestCheck"/>).
    /// </summary>
    public static async Task<RpcException?> FindProblemAsync(Stream body, MessageDescriptor request, string bodyField, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FirstBufferBytes);
        var (filled, state, start) = (0, new JsonReaderState(), true);
        var walk = JsonBodyWalk.For(request, bodyField);
        var place = new Place();
        var misfits = new List<Misfit>();
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
                if (start && filled == 0)
                {
                    return null; // no bytes at all, however it was sent (chunked, an HTTP/2 DATA frame of none)
                }

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
                var consumed = Scan(json, isFinalBlock: read == 0, ref state, walk, place, misfits);
                if (misfits.Count == MaxMisfits || (read == 0 && misfits.Count > 0))
                {
                    return DoesNotFit(request, misfits);
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

    /// <summary>Reads the tokens complete in <paramref name="json"/>, adding what does not fit to <paramref name="misfits"/>; returns the bytes read.</summary>
    private static int Scan(ReadOnlySpan<byte> json, bool isFinalBlock, ref JsonReaderState state, JsonBodyWalk? walk, Place place, List<Misfit> misfits)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock, state);
        while (reader.Read())
        {
            if (walk?.Step(ref reader) is { } misfit)
            {
                misfits.Add(new Misfit(misfit.Path, misfit.Problem, place.Of(json[..(int)reader.TokenStartIndex])));
                if (misfits.Count == MaxMisfits)
                {
                    break;
                }
            }
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    /// <summary>The reader's message without what speaks to .NET programmers: its zero-based position, its options, its isFinalBlock.</summary>
    private static string Describe(string message)
    {
        if (message.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "the body holds no JSON value, only white space; the route takes a JSON object";
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

    private static RpcException DoesNotFit(MessageDescriptor request, List<Misfit> misfits)
    {
        var (path, problem, (line, column)) = misfits[0];
        var more = misfits.Count switch
        {
            1 => "",
            2 => " One more problem is in the field violations.",
            MaxMisfits => $" The field violations list the first {MaxMisfits} problems; the body was not read further.",
            _ => $" {misfits.Count - 1} more problems are in the field violations.",
        };
        return ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.RequestJsonInvalid,
            string.Create(CultureInfo.InvariantCulture,
                $"The request body does not fit {request.Name} at {(path.Length == 0 ? "its top" : path)} (line {line}, column {column}): {problem}{(problem.EndsWith('?') ? "" : ".")}{more}"),
            new Dictionary<string, string>
            {
                ["line"] = line.ToString(CultureInfo.InvariantCulture),
                ["column"] = column.ToString(CultureInfo.InvariantCulture),
                ["field"] = path,
            },
            [.. misfits.Select(m => new FieldViolation(m.Path, m.Problem))]);
    }

    /// <summary>A value that does not fit the request message: its field path, what is wrong, and where it starts.</summary>
    private readonly record struct Misfit(string Path, string Problem, (long Line, long Column) At);

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
