using System.Collections.Concurrent;
using System.Text;

namespace Pilotdeck.Bench.Rpc;

/// <summary>
/// The bench's own output. <see cref="HostConsole.Install"/> takes the process's console away from
/// everything else, so the bench prints through this writer (the real stdout) and nothing else.
/// </summary>
internal static class Out
{
    private static TextWriter _writer = Console.Out;

    public static void Use(TextWriter writer) => _writer = writer;

    public static void Line(string text = "") => _writer.WriteLine(text);
}

/// <summary>
/// Where the real host's console sink writes during the bench. The host logs one line per request
/// at the default level (Serilog console + JSON file), and that line is part of what the pipeline
/// figure must include; printed to the bench's stdout it would bury the results. So Console.Out is
/// replaced by this writer: the host still renders every line and this writer still writes what
/// each Write call brings with its own write() to a file (default /dev/null), as the process's own
/// auto-flushing Console.Out does for a pipe to a log collector: one syscall per call, a line or a
/// batch of lines. On the way it counts the completed lines that contain a registered marker,
/// e.g. "GetServerInfo -> grpc-status 0": the bench's proof that every h2load request completed
/// with gRPC status OK and produced its log line, without adding anything to the host's pipeline.
/// </summary>
internal sealed class HostConsole : TextWriter
{
    private readonly Stream _target;
    private readonly ConcurrentDictionary<string, long[]> _markers = new(StringComparer.Ordinal);
    private char[] _line = new char[1024];
    private int _length;
    private byte[] _bytes = new byte[4096];
    private int _pending;
    private long _lines;

    private HostConsole(Stream target) => _target = target;

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Lines written so far.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Redirects Console.Out here and keeps the real stdout for <see cref="Out"/>. Console.Error stays: failures must be seen.</summary>
    public static HostConsole Install(string path)
    {
        var stdout = Console.Out;
        var console = new HostConsole(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0));
        Out.Use(stdout);
        // Console.SetOut wraps the writer in a synchronized one, so the line buffer needs no lock of its own.
        Console.SetOut(console);
        return console;
    }

    /// <summary>Starts counting the lines that contain <paramref name="marker"/>.</summary>
    public Func<long> Count(string marker)
    {
        var counter = _markers.GetOrAdd(marker, _ => new long[1]);
        return () => Interlocked.Read(ref counter[0]);
    }

    public override void Write(char value)
    {
        if (value == '\n')
        {
            EndLine();
            WritePending();
            return;
        }

        if (_length == _line.Length)
        {
            Array.Resize(ref _line, _line.Length * 2);
        }

        _line[_length++] = value;
    }

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var newline = buffer.IndexOf('\n');
            var part = newline < 0 ? buffer : buffer[..newline];
            if (_length + part.Length > _line.Length)
            {
                Array.Resize(ref _line, Math.Max(_line.Length * 2, _length + part.Length));
            }

            part.CopyTo(_line.AsSpan(_length));
            _length += part.Length;
            if (newline < 0)
            {
                break;
            }

            EndLine();
            buffer = buffer[(newline + 1)..];
        }

        WritePending();
    }

    public override void WriteLine() => Write('\n');

    public override void WriteLine(string? value)
    {
        Write(value);
        Write('\n');
    }

    private void EndLine()
    {
        var line = _line.AsSpan(0, _length);
        foreach (var (marker, counter) in _markers)
        {
            if (line.Contains(marker, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref counter[0]);
            }
        }

        var needed = _pending + Encoding.UTF8.GetMaxByteCount(_length + 1);
        if (needed > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(needed, _bytes.Length * 2));
        }

        _pending += Encoding.UTF8.GetBytes(line, _bytes.AsSpan(_pending));
        _bytes[_pending++] = (byte)'\n';
        _length = 0;
        Interlocked.Increment(ref _lines);
    }

    private void WritePending()
    {
        if (_pending > 0)
        {
            _target.Write(_bytes, 0, _pending);
            _pending = 0;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _target.Dispose();
        }

        base.Dispose(disposing);
    }
}
