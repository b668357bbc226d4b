using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Pilotdeck.Data;

/// <summary>
/// UUID version 7 ids (RFC 9562 §5.7) that sort in the order this process made them, also within
/// one millisecond, where <see cref="Guid.CreateVersion7(DateTimeOffset)"/> is random. After the
/// 48-bit millisecond come the version, a 42-bit counter (RFC 9562 §6.2, method 1: the 12 bits of
/// rand_a and the first 30 of rand_b) and 32 random bits. The counter starts at a random value with
/// its top bit clear in each new millisecond and counts up from there; a millisecond not after the
/// last one continues the last one's count, so ids never go backwards when the clock does.
/// Why (ADR 0027): lists in creation (id) order keep the order of one import's or one call's rows,
/// and rows made in one millisecond go to the end of each index over the id, not all over it.
/// </summary>
public static class OrderedIds
{
    private const int CounterBits = 42;
    private const long CounterLimit = 1L << CounterBits;
    private static readonly Lock Gate = new();
    private static long _millisecond = -1;
    private static long _counter;

    /// <summary>One new id for something made at <paramref name="now"/>, as <c>Guid.ToString()</c> writes it.</summary>
    public static string New(DateTimeOffset now) => Reserve(now, 1)[0];

    /// <summary>
    /// <paramref name="count"/> consecutive ids for things made at <paramref name="now"/>: the i-th
    /// sorts before the (i+1)-th, and every id made afterwards sorts after the last.
    /// </summary>
    public static Block Reserve(DateTimeOffset now, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var millisecond = Math.Max(0, now.ToUnixTimeMilliseconds());
        var randomBits = RandomBits(count);
        lock (Gate)
        {
            if (millisecond > _millisecond)
            {
                _millisecond = millisecond;
                _counter = RandomCounterStart();
            }
            else if (_counter + count >= CounterLimit)
            {
                // The count ran out: the next millisecond, as RFC 9562 §6.2 allows.
                _millisecond++;
                _counter = RandomCounterStart();
            }

            var block = new Block(_millisecond, _counter, randomBits);
            _counter += count;
            return block;
        }
    }

    private static long RandomCounterStart()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return (long)(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> (64 - (CounterBits - 1)));
    }

    private const int RandomBytesPerId = 4;

    // The random bits of all the block's ids drawn at once: each draw from the system's generator
    // costs microseconds however few bytes it asks for, which an import's commit paid once per row.
    private static byte[] RandomBits(int count)
    {
        var bytes = new byte[count * RandomBytesPerId];
        RandomNumberGenerator.Fill(bytes);
        return bytes;
    }

    /// <summary>Consecutive ids of one millisecond, made on demand.</summary>
    public readonly struct Block(long millisecond, long firstCounter, byte[] randomBits)
    {
        public int Count => randomBits.Length / RandomBytesPerId;

        public string this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
                var counter = firstCounter + index;
                Span<byte> bytes = stackalloc byte[16];
                randomBits.AsSpan(index * RandomBytesPerId, RandomBytesPerId).CopyTo(bytes[12..]);
                BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)millisecond << 16);
                bytes[6] = (byte)(0x70 | (int)(counter >> 38));      // version 7, counter bits 41–38
                bytes[7] = (byte)(counter >> 30);                    // counter bits 37–30
                bytes[8] = (byte)(0x80 | (int)((counter >> 24) & 0x3F)); // variant 10, counter bits 29–24
                bytes[9] = (byte)(counter >> 16);
                bytes[10] = (byte)(counter >> 8);
                bytes[11] = (byte)counter;
                return new Guid(bytes, bigEndian: true).ToString();
            }
        }
    }
}
