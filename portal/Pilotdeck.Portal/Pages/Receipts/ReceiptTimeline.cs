using Pilotdeck.Client;
using Pilotdeck.Client.Receipts;
using Pilotdeck.Contracts.Receipts.V1;

namespace Pilotdeck.Portal.Pages.Receipts;

/// <summary>
/// One page of a subject's receipts, oldest first (GetReceiptTimeline), each checked here with
/// <see cref="ReceiptProof"/> against the page's signed checkpoint. The timeline page and every
/// page that shows a resource's history (a participant's) read it the same way.
/// </summary>
public static class ReceiptTimeline
{
    public static async Task<(IReadOnlyList<ReceiptRow> Rows, string NextPageToken)> LoadAsync(
        PilotdeckClient api, string subject, int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        var key = (await api.Receipts.GetLogInfoAsync(new GetLogInfoRequest(), cancellationToken: cancellationToken)).VerifierKey;
        var page = await api.Receipts.GetReceiptTimelineAsync(
            new GetReceiptTimelineRequest { Subject = subject, PageSize = pageSize, PageToken = pageToken ?? "" }, cancellationToken: cancellationToken);
        IReadOnlyList<ReceiptRow> rows = [.. page.Entries.Select(entry => entry.Pending || key.Length == 0
            ? ReceiptRow.From(entry.Receipt, ReceiptCheck.Pending, null)
            : ReceiptRow.Checked(entry.Receipt, ReceiptProof.Verify(entry, page.SignedCheckpoint, key)))];
        return (rows, page.NextPageToken);
    }
}
