using Pilotdeck.Client.Receipts;
using Pilotdeck.Transparency.Checkpoints;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Client.Tests;

/// <summary>
/// The SDK's rule for replacing a trusted checkpoint, on a real in-memory log: the same checkpoint,
/// proven growth, unproven growth, an older one, and the two kinds of fork.
/// </summary>
public sealed class CheckpointTrustTests
{
    private const string Origin = "example.test/tenants/t1";

    private static async Task<(InMemoryHashStore Log, Func<long, Task<Checkpoint>> At)> LogOfAsync(int leaves)
    {
        var log = new InMemoryHashStore();
        for (var i = 0; i < leaves; i++)
        {
            await log.AppendAsync(System.Text.Encoding.UTF8.GetBytes($"leaf {i}"));
        }

        return (log, async size => new Checkpoint(Origin, size, await MerkleTree.RootAsync(size, log)));
    }

    [Fact]
    public async Task Compare_ProvenGrowth_Extends_UnprovenGrowthIsRefused_AProofFromAnotherSizeDoesNotCount()
    {
        var (log, at) = await LogOfAsync(9);
        var trusted = await at(5);
        var candidate = await at(9);
        var proof = await MerkleTree.ProveConsistencyAsync(5, 9, log);
        var fromElsewhere = await MerkleTree.ProveConsistencyAsync(4, 9, log);

        Assert.Equal(TrustOutcome.Extends, CheckpointTrust.Compare(trusted, candidate, (5, proof)).Outcome);
        Assert.Equal(TrustOutcome.Unproven, CheckpointTrust.Compare(trusted, candidate, null).Outcome);
        Assert.Equal(TrustOutcome.Unproven, CheckpointTrust.Compare(trusted, candidate, (4, fromElsewhere)).Outcome);
        Assert.True(CheckpointTrust.Compare(trusted, candidate, null).Refused);
    }

    [Fact]
    public async Task Compare_SameCheckpoint_IsSame_AnOlderOneIsAcceptedButNotAdvanced_NothingTrustedIsFirstUse()
    {
        var (_, at) = await LogOfAsync(6);

        Assert.Equal(TrustOutcome.Same, CheckpointTrust.Compare(await at(6), await at(6), null).Outcome);
        var older = CheckpointTrust.Compare(await at(6), await at(3), null);
        Assert.Equal(TrustOutcome.Older, older.Outcome);
        Assert.False(older.Refused);
        Assert.False(older.Advances);
        Assert.True(CheckpointTrust.Compare(null, await at(3), null).Advances);
    }

    [Fact]
    public async Task Compare_ARewrittenHistory_IsAFork_AtTheSameSizeAndThroughAFailingProof()
    {
        var (log, at) = await LogOfAsync(8);
        var other = new Checkpoint(Origin, 5, LogHash.OfLeaf("another history"u8));

        var sameSize = CheckpointTrust.Compare(other, await at(5), null);
        var throughProof = CheckpointTrust.Compare(other, await at(8), (5, await MerkleTree.ProveConsistencyAsync(5, 8, log)));

        Assert.Equal(TrustOutcome.Fork, sameSize.Outcome);
        Assert.Contains("two signed checkpoints of size 5 have different roots", sameSize.Reason);
        Assert.Equal(TrustOutcome.Fork, throughProof.Outcome);
        Assert.Contains("consistency proof from the trusted size 5 to size 8 fails", throughProof.Reason);
    }
}
