namespace Pilotdeck.Portal.Infrastructure;

/// <summary>
/// Links between pages of an API list. Page tokens only go forward, so the pager offers the
/// first page and the next one; filters travel along in <paramref name="RouteValues"/>.
/// </summary>
public sealed record PagerViewModel(string Page, string? CurrentToken, string? NextToken, IReadOnlyDictionary<string, string?> RouteValues)
{
    public bool IsFirstPage => string.IsNullOrEmpty(CurrentToken);

    public bool HasNext => !string.IsNullOrEmpty(NextToken);

    public Dictionary<string, string> With(string? pageToken)
    {
        var values = RouteValues.Where(v => !string.IsNullOrEmpty(v.Value)).ToDictionary(v => v.Key, v => v.Value!);
        if (!string.IsNullOrEmpty(pageToken))
        {
            values["pageToken"] = pageToken;
        }

        return values;
    }
}
