using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Client.Receipts;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Receipts;

/// <summary>
/// One subject's receipts, oldest first (GetReceiptTimeline). Each entry comes with its inclusion
/// proof against the page's checkpoint and is checked here with <see cref="ReceiptProof"/>, as the
/// explorer checks its rows.
/// </summary>
public sealed class TimelineModel(PortalOptions options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Subject { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    public IReadOnlyList<ReceiptRow> Rows { get; private set; } = [];

    public PagerViewModel? Pager { get; private set; }

    public ReceiptTable Table => new(Rows, $"Receipts of {Subject}, oldest first");

    public async Task OnGetAsync()
    {
        try
        {
            var key = (await Api.Receipts.GetLogInfoAsync(new GetLogInfoRequest(), cancellationToken: Aborted)).VerifierKey;
            var page = await Api.Receipts.GetReceiptTimelineAsync(
                new GetReceiptTimelineRequest { Subject = Subject ?? "", PageSize = options.PageSize, PageToken = PageToken ?? "" }, cancellationToken: Aborted);
            Rows = [.. page.Entries.Select(entry => entry.Pending || key.Length == 0
                ? ReceiptRow.From(entry.Receipt, ReceiptCheck.Pending, null)
                : ReceiptRow.Checked(entry.Receipt, ReceiptProof.Verify(entry, page.SignedCheckpoint, key)))];
            Pager = new PagerViewModel("/Receipts/Timeline", PageToken, page.NextPageToken, new Dictionary<string, string?> { ["subject"] = Subject });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }
}
