using Microsoft.Extensions.Logging;

namespace Pilotdeck.Rpc.Server;

/// <summary>
/// The one structured line per call: method, status, duration and peer, plus whatever interceptors
/// added (tenant, actor). Built only when Information is enabled, so a quiet server pays nothing.
/// </summary>
internal static class CallLog
{
    private static readonly EventId Completed_ = new(1, "CallCompleted");

    public static void Completed(ILogger logger, HttpServerCallContext call)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var state = new List<KeyValuePair<string, object?>>(5 + (call.LogPropertiesOrNull?.Count ?? 0))
        {
            new("Method", call.Method),
            new("StatusCode", call.FinalStatus.StatusCode),
            new("ElapsedMs", Math.Round(call.Elapsed.TotalMilliseconds, 1)),
            new("Peer", call.Peer),
        };
        if (call.LogPropertiesOrNull is { } extra)
        {
            state.AddRange(extra);
        }

        state.Add(new("{OriginalFormat}", "gRPC {Method} -> {StatusCode} in {ElapsedMs} ms from {Peer}"));
        logger.Log(LogLevel.Information, Completed_, state, null, static (s, _) => Format(s));
    }

    private static string Format(List<KeyValuePair<string, object?>> state)
    {
        var text = $"gRPC {state[0].Value} -> {state[1].Value} in {state[2].Value} ms from {state[3].Value}";
        var extra = state.Skip(4).Where(p => p.Key != "{OriginalFormat}").Select(p => $"{p.Key}={p.Value}");
        var suffix = string.Join(" ", extra);
        return suffix.Length == 0 ? text : text + " " + suffix;
    }
}
