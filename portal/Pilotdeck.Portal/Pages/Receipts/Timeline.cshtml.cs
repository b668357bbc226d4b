using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Receipts;

/// <summary>
/// One subject's receipts, oldest first, each checked against the log's signed checkpoint
/// (<see cref="ReceiptTimeline"/>), as the explorer checks its rows.
/// </summary>
public sealed class TimelineModel(PortalOptions options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Subject { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    public IReadOnlyList<ReceiptRow> Rows { get; private set; } = [];

    public PagerViewModel? Pager { get; private set; }

    public ReceiptTable Table => new(Rows, $"Receipts of {Subject}, oldest first", Actors);

    public async Task OnGetAsync()
    {
        try
        {
            (Rows, var next) = await ReceiptTimeline.LoadAsync(Api, Subject ?? "", options.PageSize, PageToken, Aborted);
            await NameActorsAsync();
            Pager = new PagerViewModel("/Receipts/Timeline", PageToken, next, new Dictionary<string, string?> { ["subject"] = Subject });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }
}
