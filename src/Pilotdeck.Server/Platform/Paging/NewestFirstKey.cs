using System.Globalization;

namespace Pilotdeck.Server.Platform.Paging;

/// <summary>
/// The page key of a list ordered newest first by (created time, id), both descending: ids break
/// ties between rows created in the same tick. Lists filter the next page with
/// <c>created &lt; key.Created || (created == key.Created &amp;&amp; id &lt; key.Id)</c>.
/// </summary>
public readonly record struct NewestFirstKey(DateTimeOffset Created, string Id)
{
    private const char Separator = '|';

    public override string ToString() => Created.UtcTicks.ToString(CultureInfo.InvariantCulture) + Separator + Id;

    /// <summary>Reads a key this type wrote. Page tokens are tamper-proof (<see cref="Pager"/>), so one that does not parse is our own bug.</summary>
    public static NewestFirstKey Parse(string key)
    {
        var cut = key.IndexOf(Separator);
        return new NewestFirstKey(new DateTimeOffset(long.Parse(key[..cut], CultureInfo.InvariantCulture), TimeSpan.Zero), key[(cut + 1)..]);
    }
}
