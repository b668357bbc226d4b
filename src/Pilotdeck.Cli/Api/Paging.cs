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

    public static async Task<List<T>> CollectAsync<T>(int limit, Func<int, string, Task<(IEnumerable<T> Items, string NextPageToken)>> fetchPage)
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

        return items.Take(wanted).ToList();
    }
}
