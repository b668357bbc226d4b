using System.Collections.Concurrent;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>
/// Remembers the result of a pure check by its input, for inputs that repeat across a roster
/// (a handful of locales, channels, sources and tag sets among 100,000 rows). Holds at most
/// <paramref name="capacity"/> inputs: past that, new ones are checked each time, so a file of
/// all-different values costs memory no more than the cap. Safe to use from several threads.
/// </summary>
internal sealed class FieldMemo<TKey, TValue>(Func<TKey, TValue> check, int capacity = 4096)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _results = new();

    public TValue this[TKey input]
    {
        get
        {
            if (_results.TryGetValue(input, out var result))
            {
                return result;
            }

            result = check(input);
            if (_results.Count < capacity)
            {
                _results.TryAdd(input, result);
            }

            return result;
        }
    }
}
