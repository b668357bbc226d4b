namespace Pilotdeck.Transparency.Merkle;

/// <summary>
/// Verifies RFC 9162 proofs with the RFC's own bit-walking algorithms (§2.1.3.2, §2.1.4.2). They
/// share no code with <see cref="MerkleTree"/>'s recursive generation, so the tests that run one
/// against the other check two independent readings of the RFC. Verification needs only hashes.
/// </summary>
public static class MerkleProof
{
    /// <summary>
    /// True when <paramref name="proof"/> shows that the leaf with <paramref name="leafHash"/> sits at
    /// <paramref name="leafIndex"/> in the tree of <paramref name="treeSize"/> leaves whose root is
    /// <paramref name="root"/>.
    /// </summary>
    public static bool VerifyInclusion(LogHash leafHash, long leafIndex, long treeSize, IReadOnlyList<LogHash> proof, LogHash root)
    {
        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            return false;
        }
        var fn = leafIndex;
        var sn = treeSize - 1;
        var hash = leafHash;
        foreach (var sibling in proof)
        {
            if (sn == 0)
            {
                return false; // more hashes than the path has levels
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                hash = LogHash.OfNode(sibling, hash);
                // Skip the levels where this node is the last of its row and so has no sibling.
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                hash = LogHash.OfNode(hash, sibling);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && hash == root;
    }

    /// <summary>
    /// True when <paramref name="proof"/> shows that the tree of <paramref name="oldSize"/> leaves with
    /// root <paramref name="oldRoot"/> is a prefix of the tree of <paramref name="newSize"/> leaves with
    /// root <paramref name="newRoot"/>. Equal sizes need an empty proof and equal roots; the empty tree
    /// (size 0, the empty-tree hash) is a prefix of every tree.
    /// </summary>
    public static bool VerifyConsistency(long oldSize, LogHash oldRoot, long newSize, LogHash newRoot, IReadOnlyList<LogHash> proof)
    {
        if (oldSize < 0 || oldSize > newSize)
        {
            return false;
        }
        if (oldSize == 0)
        {
            return proof.Count == 0 && oldRoot == LogHash.EmptyTree;
        }
        if (oldSize == newSize)
        {
            return proof.Count == 0 && oldRoot == newRoot;
        }
        if (proof.Count == 0)
        {
            return false;
        }

        // When the old tree is a complete subtree of the new one its root is the path's start, and the
        // proof leaves it out because the verifier already has it.
        var path = new List<LogHash>(proof.Count + 1);
        if ((oldSize & (oldSize - 1)) == 0)
        {
            path.Add(oldRoot);
        }
        path.AddRange(proof);

        var fn = oldSize - 1;
        var sn = newSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        var oldHash = path[0];
        var newHash = path[0];
        for (var i = 1; i < path.Count; i++)
        {
            if (sn == 0)
            {
                return false;
            }
            var node = path[i];
            if ((fn & 1) == 1 || fn == sn)
            {
                oldHash = LogHash.OfNode(node, oldHash);
                newHash = LogHash.OfNode(node, newHash);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                newHash = LogHash.OfNode(newHash, node);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && oldHash == oldRoot && newHash == newRoot;
    }
}
