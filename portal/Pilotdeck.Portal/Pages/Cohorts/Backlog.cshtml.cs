using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Backlog.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// A cohort's backlog board (docs/backlog.md): a column per state with a card per item (owner,
/// target release, how many participants and pieces of feedback reported it); facilitators move an
/// item one step on and promote the cohort's grouped blockers into items; a release's changelog
/// with the participants each fix is tied to.
/// </summary>
public sealed class BacklogModel : PortalPageModel
{
    /// <summary>Items shown per board: a pilot's backlog is small; the CLI pages through more.</summary>
    private const int MaxItems = 200;

    [BindProperty(SupportsGet = true)]
    public string Slug { get; set; } = "";

    /// <summary>The release whose changelog is shown; none when empty.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Release { get; set; }

    public static IReadOnlyList<BacklogItemState> States { get; } =
        [BacklogItemState.Open, BacklogItemState.Planned, BacklogItemState.Fixed, BacklogItemState.Shipped];

    public IReadOnlyList<BacklogItem> Items { get; private set; } = [];

    public bool Loaded { get; private set; }

    public GetChangelogResponse? Changelog { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            Items = (await Api.Backlog.ListBacklogItemsAsync(new ListBacklogItemsRequest { Cohort = Slug, PageSize = MaxItems }, cancellationToken: Aborted)).Items;
            Loaded = true;
            if (!string.IsNullOrWhiteSpace(Release))
            {
                Changelog = await Api.Backlog.GetChangelogAsync(new GetChangelogRequest { Cohort = Slug, Release = Release.Trim() }, cancellationToken: Aborted);
            }
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }

    public Task<IActionResult> OnPostPromoteAsync() => ChangeAsync(async () =>
    {
        var promoted = await Api.Backlog.PromoteBlockersAsync(new PromoteBlockersRequest { Cohort = Slug }, cancellationToken: Aborted);
        return $"Blockers promoted: {promoted.Created} new item(s), {promoted.Updated} with new reports.";
    });

    /// <summary>Moves an item one step on; shipping takes the release typed on the card when the item has none.</summary>
    public Task<IActionResult> OnPostMoveAsync(string itemId, BacklogItemState state, string? release) => ChangeAsync(async () =>
    {
        var request = new UpdateBacklogItemRequest { Item = new BacklogItem { ItemId = itemId, State = state }, UpdateMask = new() { Paths = { "state" } } };
        if (!string.IsNullOrWhiteSpace(release))
        {
            request.Item.TargetRelease = release.Trim();
            request.UpdateMask.Paths.Add("target_release");
        }

        var moved = (await Api.Backlog.UpdateBacklogItemAsync(request, cancellationToken: Aborted)).Item;
        return $"“{moved.Title}” is {Label(moved.State)}" + (moved.State == BacklogItemState.Shipped ? $" in {moved.TargetRelease}; its changelog entry is written." : ".");
    });

    private async Task<IActionResult> ChangeAsync(Func<Task<string>> change)
    {
        try
        {
            FlashNext(await change());
            return RedirectToPage("/Cohorts/Backlog", new { slug = Slug, release = Release });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await OnGetAsync();
            ShowProblem(ex);
            return Page();
        }
    }

    public IEnumerable<BacklogItem> In(BacklogItemState state) => Items.Where(i => i.State == state);

    /// <summary>The one state an item may move to next, or null once shipped.</summary>
    public static BacklogItemState? Next(BacklogItemState state) => state is >= BacklogItemState.Open and < BacklogItemState.Shipped ? state + 1 : null;

    public static string Label(BacklogItemState state) => state.ToString().ToLowerInvariant();

    /// <summary>The releases items are meant for, to pick a changelog from.</summary>
    public IEnumerable<string> Releases => Items.Select(i => i.TargetRelease).Where(r => r.Length > 0).Distinct().Order(StringComparer.Ordinal);
}
