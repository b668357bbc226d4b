using System.Collections.Concurrent;
using System.Text;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace Pilotdeck.Server.Hosting;

/// <summary>
/// Hands log events from the request to one background thread, which formats and writes them a
/// batch at a time (ADR 0009, amendment of 2026-12-04). A request only enqueues: it never wakes the
/// writer while the writer is busy or gathering a batch, and the writer never spins waiting for
/// work. Under load that is one wake-up and one console write per batch instead of one per line;
/// Serilog.Sinks.Async woke (and spun) per event, which cost more of its worker's time than
/// formatting and writing the line (docs/performance.md). Lines reach the sinks at most
/// <see cref="GatherTime"/> after they were logged. When <see cref="Capacity"/> events are waiting,
/// requests wait for the writer rather than lose lines; disposing writes everything queued.
/// </summary>
public sealed class BackgroundLogWriter : ILogEventSink, IDisposable
{
    /// <summary>How long the writer lets a batch gather once the first event of it arrived.</summary>
    public static readonly TimeSpan GatherTime = TimeSpan.FromMilliseconds(20);

    /// <summary>Events waiting at most; a request that finds this many waits for the writer.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentQueue<LogEvent> _queue = new();
    private readonly ILogEventSink _sinks;
    private readonly ConsoleLines? _console;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private int _waiting;
    private int _idle;
    private bool _stopping;

    /// <param name="sinks">Sinks that take one event at a time (the file).</param>
    /// <param name="console">Plain console lines, written once per batch; null where another sink prints them.</param>
    public BackgroundLogWriter(ILogEventSink sinks, ConsoleLines? console)
    {
        _sinks = sinks;
        _console = console;
        _thread = new Thread(Run) { IsBackground = true, Name = "pilotdeck-log-writer" };
        _thread.Start();
    }

    public void Emit(LogEvent logEvent)
    {
        _queue.Enqueue(logEvent);
        if (Interlocked.Increment(ref _waiting) >= Capacity)
        {
            WaitForRoom();
        }
        else if (Volatile.Read(ref _idle) == 1 && Interlocked.Exchange(ref _idle, 0) == 1)
        {
            Wake();
        }
    }

    private void WaitForRoom()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
            while (Volatile.Read(ref _waiting) >= Capacity && !_stopping)
            {
                Monitor.Wait(_gate, GatherTime);
            }
        }
    }

    private void Wake()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    private void Run()
    {
        while (true)
        {
            lock (_gate)
            {
                // Idle until an event arrives (the first one after idling wakes the writer), then
                // let the batch gather; a full queue or disposal cuts the gathering short.
                // (A full fence: a request that enqueues right now must either be seen here or see
                // the flag and wake the writer.)
                Interlocked.Exchange(ref _idle, 1);
                while (_queue.IsEmpty && !_stopping)
                {
                    Monitor.Wait(_gate);
                }

                Volatile.Write(ref _idle, 0);
                if (!_stopping && Volatile.Read(ref _waiting) < Capacity)
                {
                    Monitor.Wait(_gate, GatherTime);
                }
            }

            WriteQueued();
            if (Volatile.Read(ref _stopping) && _queue.IsEmpty)
            {
                return;
            }
        }
    }

    // A sink that fails (a full disk, a closed stdout) must not end the writer's thread, which would
    // end the process; Serilog's own diagnostics (SelfLog) say what happened.
    private void WriteQueued()
    {
        // What is queued now, not what arrives meanwhile: a batch (and the console's buffer) stays
        // bounded under any load, and waiting requests get room as soon as it is written.
        var batch = Volatile.Read(ref _waiting);
        var written = 0;
        while (written < batch && _queue.TryDequeue(out var logEvent))
        {
            written++;
            try
            {
                _sinks.Emit(logEvent);
                _console?.Add(logEvent);
            }
            catch (Exception ex)
            {
                SelfLog.WriteLine("Pilotdeck's log writer could not write an event: {0}", ex);
            }
        }

        try
        {
            _console?.Flush();
        }
        catch (Exception ex)
        {
            SelfLog.WriteLine("Pilotdeck's log writer could not write to the console: {0}", ex);
        }

        if (Interlocked.Add(ref _waiting, -written) + written >= Capacity)
        {
            Wake();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        _thread.Join();
        (_sinks as IDisposable)?.Dispose();
    }
}

/// <summary>
/// Console lines rendered with a plain formatter into one buffer per batch and written with one
/// call, so a pipe or a container's log gets one write per batch rather than one per line (or per
/// token of a line). They go to <paramref name="target"/>, or to whatever <see cref="Console.Out"/>
/// is when the batch is written.
/// </summary>
public sealed class ConsoleLines(ITextFormatter formatter, TextWriter? target = null)
{
    private readonly StringWriter _buffer = new(new StringBuilder(64 * 1024), System.Globalization.CultureInfo.InvariantCulture);

    public void Add(LogEvent logEvent) => formatter.Format(logEvent, _buffer);

    public void Flush()
    {
        var text = _buffer.GetStringBuilder();
        if (text.Length == 0)
        {
            return;
        }

        try
        {
            var console = target ?? Console.Out;
            foreach (var chunk in text.GetChunks())
            {
                console.Write(chunk.Span);
            }

            console.Flush();
        }
        finally
        {
            // Lines that could not be written are dropped, not kept to grow without end.
            text.Clear();
        }
    }
}
