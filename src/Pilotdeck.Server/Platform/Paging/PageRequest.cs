using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Data.Paging;
using Pilotdeck.Data.Tenancy;
using Grpc.Core;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Platform.Paging;

/// <summary>
/// AIP-158 paging for every List: page_size defaults to 50 and is capped at 200; page tokens are
/// opaque, bound to the tenant and the filter, and name the last key of the previous page so the
/// next page is a keyset query with stable order.
/// </summary>
public sealed class Pager
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    private readonly PageTokenCodec _codec;
    private readonly ITenantContext _tenant;

    public Pager(PageTokenCodec codec, ITenantContext tenant)
    {
        _codec = codec;
        _tenant = tenant;
    }

    /// <summary>Validates size and token; <paramref name="filter"/> is the canonical text of every filter field.</summary>
    public PageRequest Read(int pageSize, string pageToken, string filter)
    {
        if (pageSize < 0)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("page_size", "must not be negative"));
        }

        string? after = null;
        if (!string.IsNullOrEmpty(pageToken) && !_codec.TryDecode(pageToken, TenantId, filter, out after))
        {
            throw ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.PageTokenInvalid,
                "page_token is not valid for this list: it was altered, or issued for other filters. Start again without it.",
                violations: [new FieldViolation("page_token", "not issued for this list and filter")]);
        }

        return new PageRequest(pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize), after, filter);
    }

    /// <summary>
    /// Given up to size+1 items fetched after the cursor, returns the page and the token for the next one
    /// (empty on the last page).
    /// </summary>
    public (IReadOnlyList<T> Items, string NextPageToken) Page<T>(PageRequest request, IReadOnlyList<T> fetched, Func<T, string> keyOf)
    {
        if (fetched.Count <= request.Size)
        {
            return (fetched, "");
        }

        var items = fetched.Take(request.Size).ToList();
        return (items, _codec.Encode(TenantId, request.Filter, keyOf(items[^1])));
    }

    private string TenantId => _tenant.TenantId ?? throw new InvalidOperationException("Paging needs a bound tenant.");
}

/// <param name="Size">Items to return.</param>
/// <param name="After">Sort key of the last item already returned, or null for the first page.</param>
public sealed record PageRequest(int Size, string? After, string Filter)
{
    /// <summary>How many rows to fetch: one extra tells whether another page exists.</summary>
    public int FetchCount => Size + 1;
}
