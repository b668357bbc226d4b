namespace Pilotdeck.Cli.Api;

/// <summary>Walks an AIP-158 listing page by page until it ends or <c>limit</c> items are in hand.</summary>
public static class Paging
{
    private const int MaxPageSize = 200;

    public static async Task<List<T>> CollectAsync<T>(int limit, Func<int, string, Task<(IEnumerable<T> Items, string NextPageToken)>> fetchPage)
    {
        var wanted = Math.Max(1, limit);
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
