using System.Collections.Concurrent;
using Pilotdeck.Server.Hosting;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace Pilotdeck.Server.Tests.Hosting;

/// <summary>The hand-off between requests and the log writer's thread: nothing lost, nothing reordered, a full queue waits.</summary>
public sealed class BackgroundLogWriterTests
{
    private static readonly MessageTemplate Template = new MessageTemplateParser().Parse("event {Source} {N}");

    [Fact]
    public async Task EveryEvent_ReachesTheSinks_InEachCallersOrder()
    {
        var sink = new CollectingSink();
        var writer = new BackgroundLogWriter(sink, console: null);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(source => Task.Run(() =>
        {
            for (var n = 0; n < 25_000; n++)
            {
                writer.Emit(Event(source, n));
            }
        })));
        writer.Dispose();

        Assert.Equal(100_000, sink.Events.Count);
        foreach (var source in Enumerable.Range(0, 4))
        {
            Assert.Equal(Enumerable.Range(0, 25_000), sink.Events.Where(e => Value(e, "Source") == source).Select(e => Value(e, "N")));
        }

        Assert.True(sink.Disposed);
    }

    [Fact]
    public async Task FullQueue_MakesTheCallerWait_RatherThanDropLines()
    {
        var sink = new CollectingSink();
        sink.Gate.Reset();
        var writer = new BackgroundLogWriter(sink, console: null);

        var caller = Task.Run(() =>
        {
            for (var n = 0; n < BackgroundLogWriter.Capacity + 100; n++)
            {
                writer.Emit(Event(0, n));
            }
        });

        // The sink holds the writer on the first event: the caller fills the queue and must wait.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(caller.IsCompleted);

        sink.Gate.Set();
        await caller.WaitAsync(TimeSpan.FromSeconds(30));
        writer.Dispose();
        Assert.Equal(Enumerable.Range(0, BackgroundLogWriter.Capacity + 100), sink.Events.Select(e => Value(e, "N")));
    }

    [Fact]
    public void ConsoleLines_WriteABatch_InOneCall()
    {
        var target = new CountingWriter();
        var lines = new ConsoleLines(new MessageTemplateTextFormatter("{Message}{NewLine}"), target);

        lines.Flush();
        lines.Add(Event(1, 1));
        lines.Add(Event(1, 2));
        lines.Add(Event(2, 3));
        lines.Flush();

        Assert.Equal(1, target.Writes);
        Assert.Equal("event 1 1\nevent 1 2\nevent 2 3\n", target.ToString().ReplaceLineEndings("\n"));
    }

    private static LogEvent Event(int source, int n) =>
        new(DateTimeOffset.UtcNow, LogEventLevel.Information, null, Template, [new LogEventProperty("Source", new ScalarValue(source)), new LogEventProperty("N", new ScalarValue(n))]);

    private static int Value(LogEvent e, string name) => (int)((ScalarValue)e.Properties[name]).Value!;

    private sealed class CollectingSink : ILogEventSink, IDisposable
    {
        public ManualResetEventSlim Gate { get; } = new(initialState: true);

        public ConcurrentQueue<LogEvent> Events { get; } = new();

        public bool Disposed { get; private set; }

        public void Emit(LogEvent logEvent)
        {
            Gate.Wait();
            Events.Enqueue(logEvent);
        }

        public void Dispose() => Disposed = true;
    }

    private sealed class CountingWriter : StringWriter
    {
        public int Writes { get; private set; }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            Writes++;
            base.Write(buffer);
        }

        public override void Write(string? value)
        {
            Writes++;
            base.Write(value);
        }
    }
}
