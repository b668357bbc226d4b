using System.CommandLine;

namespace Pilotdeck.Cli.Api;

/// <summary>Walks an AIP-158 listing page by page until it ends or <c>limit</c> items are in hand.</summary>
public static class Paging
{
    private const int MaxPageSize = 200;

    /// <summary>Every listing's <c>--limit</c>: <paramref name="order"/> says which come first; 0 lists them all.</summary>
    public static Option<int> LimitOption(string order, int defaultLimit, string what = "")
    {
        var limit = new Option<int>("--limit") { Description = $"At most this many{what}, {order} (0: all).", DefaultValueFactory = _ => defaultLimit };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--limit must be 0 (all) or more.");
            }
        });
        return limit;
    }

    /// <summary>
    /// Up to the command's <c>--limit</c>; when more match than it shows, says so on stderr (stdout
    /// stays the listing alone, parseable), so a cut-off list is never mistaken for the whole.
    /// </summary>
    public static async Task<List<T>> CollectAsync<T>(ParseResult parse, Option<int> limit, Func<int, string, Task<(IEnumerable<T> Items, string NextPageToken)>> fetchPage)
    {
        var wanted = parse.GetValue(limit);
        var (items, more) = await CollectAsync(wanted, fetchPage);
        if (more)
        {
            parse.InvocationConfiguration.Error.WriteLine($"(the first {wanted} shown; more match: --limit N shows more, --limit 0 all)");
        }

        return items;
    }

    /// <summary>Every item, for commands that show the whole listing.</summary>
    public static async Task<List<T>> CollectAllAsync<T>(Func<int, string, Task<(IEnumerable<T> Items, string NextPageToken)>> fetchPage) =>
        (await CollectAsync(0, fetchPage)).Items;

    private static async Task<(List<T> Items, bool More)> CollectAsync<T>(int limit, Func<int, string, Task<(IEnumerable<T> Items, string NextPageToken)>> fetchPage)
    {
        var wanted = limit <= 0 ? int.MaxValue : limit;
        var items = new List<T>();
        var token = "";
        do
        {
            var (page, next) = await fetchPage((int)Math.Min(wanted, MaxPageSize), token);
            items.AddRange(page);
            token = next;
        }
        while (token.Length > 0 && items.Count < wanted);

        return (items.Take(wanted).ToList(), items.Count > wanted || token.Length > 0);
    }
}
