using System.Text.Json;

namespace Pilotdeck.Guardian.Artifacts;

/// <summary>How the streamer treats the value of one top-level key.</summary>
internal enum SectionKind
{
    /// <summary>Skip token by token without buffering (macros, parent_map, …).</summary>
    Skip,
    /// <summary>Hand the whole value to the sink as one buffered slice (metadata).</summary>
    Whole,
    /// <summary>The value is an object; hand each of its property values to the sink separately (nodes, sources).</summary>
    Entries,
}

/// <summary>Receives the parts of a dbt artifact the streamer was asked to keep.</summary>
internal interface IJsonSectionSink
{
    /// <summary>Called on each top-level property name; returns how to treat its value and an id passed back in <see cref="OnValue"/>.</summary>
    SectionKind Classify(ref Utf8JsonReader propertyName, out int section);

    /// <summary>A complete JSON value (object, array or scalar) from a kept section.</summary>
    void OnValue(int section, ReadOnlySpan<byte> json);
}

/// <summary>
/// Forward-only reader for multi-hundred-megabyte dbt artifacts. Memory stays bounded by the
/// largest single entry (one node), not the file: sections nobody needs are skipped token by
/// token, and each kept entry is buffered only long enough to parse it.
/// </summary>
internal sealed class JsonSectionStreamer
{
    private const int InitialBufferSize = 1 << 20;

    private enum Mode { Start, TopLevel, SkipValueStart, SkipValue, WholeValue, SectionStart, SectionEntries, EntryValue, Done }

    private readonly IJsonSectionSink _sink;
    private readonly string _artifact;
    private Mode _mode = Mode.Start;
    private int _section;
    private int _skipDepth;

    private JsonSectionStreamer(IJsonSectionSink sink, string artifact)
    {
        _sink = sink;
        _artifact = artifact;
    }

    /// <summary>Streams <paramref name="stream"/> through <paramref name="sink"/>; returns the number of bytes read.</summary>
    public static async Task<long> ReadAsync(Stream stream, IJsonSectionSink sink, string artifact, CancellationToken cancellationToken)
    {
        var walker = new JsonSectionStreamer(sink, artifact);
        var buffer = new byte[InitialBufferSize];
        int start = 0, end = 0;
        long offsetOfBuffer = 0;
        var eof = false;
        var state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });

        while (true)
        {
            if (!eof)
            {
                if (end == buffer.Length || start > buffer.Length / 2)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    offsetOfBuffer += start;
                    end -= start;
                    start = 0;
                    if (end == buffer.Length)
                    {
                        // One entry is larger than the buffer (huge compiled SQL): grow rather than fail.
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                }
                var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    eof = true;
                }
                end += read;
            }

            if (eof && offsetOfBuffer + end == 0)
            {
                throw new ArtifactFormatException(artifact, $"{artifact} is empty.", 0, 1);
            }

            var done = walker.Process(buffer.AsSpan(start, end - start), eof, ref state, offsetOfBuffer + start, out var consumed);
            start += consumed;
            if (done)
            {
                return offsetOfBuffer + end;
            }
            if (eof)
            {
                // The final-block reader throws on incomplete input, so reaching here means the
                // walker stopped in a state it cannot finish from.
                throw walker.Truncated(offsetOfBuffer + end, null);
            }
        }
    }

    private bool Process(ReadOnlySpan<byte> data, bool isFinalBlock, ref JsonReaderState state, long baseOffset, out int consumed)
    {
        var reader = new Utf8JsonReader(data, isFinalBlock, state);
        try
        {
            var done = Walk(ref reader, data);
            consumed = (int)reader.BytesConsumed;
            state = reader.CurrentState;
            return done;
        }
        catch (JsonException ex)
        {
            var offset = baseOffset + reader.BytesConsumed;
            if (isFinalBlock && IsEndOfInput(ex))
            {
                throw Truncated(baseOffset + data.Length, ex);
            }
            var reason = ex.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
            {
                reason = reason[..cut];
            }
            var line = (ex.LineNumber ?? 0) + 1;
            throw new ArtifactFormatException(
                _artifact,
                $"{_artifact} is not valid JSON at line {line}, column {(ex.BytePositionInLine ?? 0) + 1} (byte offset {offset}): {reason}",
                offset, line, ex);
        }
    }

    // System.Text.Json has no error code for "input ended early"; these are its messages for it.
    private static bool IsEndOfInput(JsonException ex) =>
        ex.Message.Contains("end of data", StringComparison.OrdinalIgnoreCase) ||
        ex.Message.Contains("Expected depth to be zero", StringComparison.Ordinal);

    private ArtifactFormatException Truncated(long length, Exception? inner) =>
        new(_artifact,
            $"{_artifact} ends unexpectedly after {length} bytes: the file is truncated (was it copied while dbt was still writing it?). Re-run dbt to regenerate it.",
            length, null, inner);

    private bool Walk(ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
    {
        while (true)
        {
            var checkpoint = reader;
            if (!reader.Read())
            {
                return false;
            }
            switch (_mode)
            {
                case Mode.Start:
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw new ArtifactFormatException(_artifact,
                            $"{_artifact} must be a JSON object but starts with {reader.TokenType} (byte offset {reader.TokenStartIndex}).",
                            reader.TokenStartIndex, 1);
                    }
                    _mode = Mode.TopLevel;
                    break;

                case Mode.TopLevel:
                    if (reader.TokenType == JsonTokenType.EndObject)
                    {
                        _mode = Mode.Done;
                        return true;
                    }
                    _mode = _sink.Classify(ref reader, out _section) switch
                    {
                        SectionKind.Whole => Mode.WholeValue,
                        SectionKind.Entries => Mode.SectionStart,
                        _ => Mode.SkipValueStart,
                    };
                    break;

                case Mode.SkipValueStart:
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        _skipDepth = reader.CurrentDepth;
                        _mode = Mode.SkipValue;
                    }
                    else
                    {
                        _mode = Mode.TopLevel;
                    }
                    break;

                case Mode.SkipValue:
                    if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == _skipDepth)
                    {
                        _mode = Mode.TopLevel;
                    }
                    break;

                case Mode.WholeValue:
                    if (!TryDeliverValue(ref reader, checkpoint, data))
                    {
                        return false;
                    }
                    _mode = Mode.TopLevel;
                    break;

                case Mode.SectionStart:
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        _mode = Mode.SectionEntries;
                    }
                    else if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        _skipDepth = reader.CurrentDepth;
                        _mode = Mode.SkipValue;
                    }
                    else
                    {
                        _mode = Mode.TopLevel;
                    }
                    break;

                case Mode.SectionEntries:
                    _mode = reader.TokenType == JsonTokenType.EndObject ? Mode.TopLevel : Mode.EntryValue;
                    break;

                case Mode.EntryValue:
                    if (!TryDeliverValue(ref reader, checkpoint, data))
                    {
                        return false;
                    }
                    _mode = Mode.SectionEntries;
                    break;

                case Mode.Done:
                    return true;
            }
        }
    }

    private bool TryDeliverValue(ref Utf8JsonReader reader, Utf8JsonReader beforeValue, ReadOnlySpan<byte> data)
    {
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var probe = reader;
            if (!probe.TrySkip())
            {
                // Rewind so the next buffer refill re-reads the value from its first byte.
                reader = beforeValue;
                return false;
            }
            reader = probe;
        }
        _sink.OnValue(_section, data[start..(int)reader.BytesConsumed]);
        return true;
    }
}
