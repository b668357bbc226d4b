using System.Globalization;

namespace Pilotdeck.Data.Tests;

/// <summary>
/// <see cref="OrderedIds"/> makes UUID version 7 ids that sort (as stored text) in the order they
/// were made, also within one millisecond and when the clock goes back.
/// </summary>
public class OrderedIdsTests
{
    private static long Millisecond(string id) => long.Parse(id.Replace("-", "")[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [Fact]
    public void AnId_IsAVersion7Uuid_OfItsMillisecond()
    {
        var now = DateTimeOffset.UtcNow;

        var id = OrderedIds.New(now);

        var uuid = Guid.Parse(id);
        Assert.Equal(uuid.ToString(), id);
        Assert.Equal(7, uuid.Version);
        Assert.Equal(0b10, uuid.Variant >> 2);
        // Not earlier than asked; later only when another test made an id in a later millisecond first.
        Assert.InRange(Millisecond(id), now.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds() + 60_000);
    }

    [Fact]
    public void IdsOfOneMillisecond_SortInTheOrderTheyWereMade_EvenWhenTheClockGoesBack()
    {
        var now = DateTimeOffset.UtcNow;
        var ids = new List<string>();
        for (var i = 0; i < 10_000; i++)
        {
            ids.Add(OrderedIds.New(now));
        }

        ids.Add(OrderedIds.New(now.AddHours(-1)));
        ids.Add(OrderedIds.New(now));

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // Random where the counter is not: the last 32 bits of two neighbours differ almost always.
        Assert.True(ids.Zip(ids.Skip(1)).Count(pair => pair.First[^8..] == pair.Second[^8..]) < 3);
    }

    [Fact]
    public void AReservedBlock_IsInOrder_AndIdsMadeAfterItSortAfterIt()
    {
        var now = DateTimeOffset.UtcNow;

        var block = OrderedIds.Reserve(now, 1_000);
        var after = OrderedIds.New(now);

        var ids = Enumerable.Range(0, block.Count).Select(i => block[i]).Append(after).ToList();
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => block[1_000]);
    }

    [Fact]
    public void IdsMadeOnManyThreads_AreAllDistinct()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                ids.Add(OrderedIds.New(DateTimeOffset.UtcNow));
            }
        });

        Assert.Equal(40_000, ids.Distinct().Count());
    }
}
