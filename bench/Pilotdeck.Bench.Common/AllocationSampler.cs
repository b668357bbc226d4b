using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Pilotdeck.Bench.Common;

/// <summary>
/// Where the bytes go, without a profiler: the runtime's GCAllocationTick event fires about every
/// 100 KB allocated and names the type that crossed the mark, so over a run of 100k requests the
/// per-type share of samples is a good estimate of the per-type share of bytes. In-process
/// EventListener only; the measured runs never have it on, since it costs a little.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, (long Samples, long Bytes)> _byType = new();
    private volatile bool _recording;

    public void Start()
    {
        _byType.Clear();
        _recording = true;
    }

    public IReadOnlyList<(string Type, long Samples, long Bytes)> Stop()
    {
        _recording = false;
        return _byType.Select(p => (p.Key, p.Value.Samples, p.Value.Bytes)).OrderByDescending(p => p.Bytes).ToList();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var typeIndex = eventData.PayloadNames.IndexOf("TypeName");
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (typeIndex < 0)
        {
            return;
        }

        var type = eventData.Payload![typeIndex] as string ?? "?";
        var amount = amountIndex >= 0 ? Convert.ToInt64(eventData.Payload[amountIndex], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _byType.AddOrUpdate(type, (1, amount), (_, v) => (v.Samples + 1, v.Bytes + amount));
    }
}
