namespace Pilotdeck.Rpc.Server;

/// <summary>
/// A logging scope whose properties can still be added while the call runs. Logging providers
/// read scope state when a line is written, so the per-call line carries everything added by then.
/// </summary>
public sealed class CallLogProperties : List<KeyValuePair<string, object?>>
{
    public override string ToString() => string.Join(", ", this.Select(p => $"{p.Key}={p.Value}"));
}
