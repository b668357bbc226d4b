namespace Pilotdeck.Transparency.Merkle;

/// <summary>
/// Reads stored hashes by their <see cref="StoredHashLayout"/> slot. A database table keyed by
/// (log, slot) implements it; every operation of <see cref="MerkleTree"/> asks for all the slots it
/// needs in one call so a database answers it in one round trip.
/// </summary>
public interface IHashReader
{
    /// <summary>Returns the hashes at <paramref name="slots"/>, in the same order.</summary>
    /// <exception cref="KeyNotFoundException">A slot has not been stored.</exception>
    ValueTask<IReadOnlyList<LogHash>> ReadHashesAsync(IReadOnlyList<long> slots, CancellationToken cancellationToken = default);
}
