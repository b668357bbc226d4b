namespace Pilotdeck.Server.Platform.Receipts;

/// <summary>Settings under <c>Pilotdeck:Receipts</c>.</summary>
public sealed class ReceiptLogOptions
{
    public const string Section = "Pilotdeck:Receipts";

    /// <summary>How soon a new receipt is in a signed checkpoint: the sequencer's period. Default 1 s.</summary>
    public TimeSpan CheckpointDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The first part of every tenant log's origin, <c>&lt;prefix&gt;/tenants/&lt;tenant id&gt;</c>: name it
    /// after the installation (e.g. its host name) so two installations' logs never share an origin.
    /// </summary>
    public string OriginPrefix { get; set; } = "pilotdeck.local";

    /// <summary>Receipts appended per transaction; a backlog larger than this takes several periods' worth of checkpoints.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>The most receipts one evidence bundle may hold; an export matching more is refused (EVIDENCE_TOO_LARGE).</summary>
    public int MaxEvidenceReceipts { get; set; } = 2000;
}
