using System.Text;
using Pilotdeck.Transparency.Checkpoints;
using Pilotdeck.Transparency.Merkle;
using Pilotdeck.Transparency.Notes;
using Pilotdeck.TestSupport;
using Pilotdeck.Transparency.Tests.Merkle;

namespace Pilotdeck.Transparency.Tests.GoVerifier;

/// <summary>
/// The independent check: what this library writes must satisfy Go's sumdb/note and sumdb/tlog
/// (note.Open, tlog.CheckRecord, tlog.CheckTree, tlog.TreeHash, note.NewSigner), and tampering must not.
/// </summary>
public sealed class GoVerifierTests(GoVerifierProgram go) : IClassFixture<GoVerifierProgram>
{
    private const string Origin = "pilotdeck.example/tenants/acme";

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(37)]
    [InlineData(130)]
    public async Task GoVerifier_EveryInclusionAndConsistencyProof_IsAccepted(int size)
    {
        var log = await LogFixture.CreateAsync(size);
        var checks = new StringBuilder();
        for (var index = 0; index < size; index++)
        {
            checks.AppendLine(await log.InclusionCheckAsync(index));
        }
        for (var oldSize = 1; oldSize <= size; oldSize++)
        {
            checks.AppendLine(await log.ConsistencyCheckAsync(oldSize));
        }

        var result = await go.VerifyAsync(await log.WriteAsync(go.NewArtifactDirectory(), withStoredHashes: true), checks.ToString());

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(0, result.Count("FAIL"));
        // checkpoint, signing key, stored hashes, then one line per check
        Assert.Equal(3 + 2 * size, result.Count("ok "));
    }

    [Fact]
    public async Task GoVerifier_TamperedInclusionProof_IsRejected()
    {
        var log = await LogFixture.CreateAsync(21);
        var proof = await MerkleTree.ProveInclusionAsync(5, 21, log.Store);
        var tampered = TestTrees.FlipByte(proof, 1);
        var checks = await log.InclusionCheckAsync(4) + "\n" + LogFixture.InclusionLine(5, TestTrees.LeafData(5), tampered) + "\n";

        var result = await go.VerifyAsync(await log.WriteAsync(go.NewArtifactDirectory()), checks);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ok inclusion 4", result.Output);
        Assert.Contains("FAIL inclusion 5", result.Output);
    }

    [Fact]
    public async Task GoVerifier_InclusionOfOtherLeafData_IsRejected()
    {
        var log = await LogFixture.CreateAsync(21);
        var proof = await MerkleTree.ProveInclusionAsync(5, 21, log.Store);

        var result = await go.VerifyAsync(await log.WriteAsync(go.NewArtifactDirectory()), LogFixture.InclusionLine(5, TestTrees.LeafData(6), proof));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL inclusion 5", result.Output);
    }

    [Fact]
    public async Task GoVerifier_TamperedConsistencyProof_IsRejected()
    {
        var log = await LogFixture.CreateAsync(21);
        var proof = await MerkleTree.ProveConsistencyAsync(13, 21, log.Store);
        var oldRoot = await MerkleTree.RootAsync(13, log.Store);
        var line = $"consistency 13 {oldRoot.ToBase64()} {string.Join(',', TestTrees.FlipByte(proof, 0).Select(h => h.ToBase64()))}";

        var result = await go.VerifyAsync(await log.WriteAsync(go.NewArtifactDirectory()), line);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL consistency 13", result.Output);
    }

    [Fact]
    public async Task GoVerifier_TamperedCheckpoint_IsRejected()
    {
        var log = await LogFixture.CreateAsync(21);
        var directory = go.NewArtifactDirectory();
        var arguments = await log.WriteAsync(directory);
        var checkpointFile = Path.Combine(directory, "checkpoint.txt");
        await File.WriteAllTextAsync(checkpointFile, (await File.ReadAllTextAsync(checkpointFile)).Replace("\n21\n", "\n22\n", StringComparison.Ordinal));

        var result = await go.VerifyAsync(arguments, "");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL checkpoint", result.Output);
    }

    [Fact]
    public async Task GoVerifier_CheckpointSignedByAnotherKey_IsRejected()
    {
        var log = await LogFixture.CreateAsync(21);
        var directory = go.NewArtifactDirectory();
        var arguments = await log.WriteAsync(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "key.txt"), NoteSigningKey.Generate(Origin).VerifierKey.ToString());

        var result = await go.VerifyAsync(arguments, "");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL checkpoint", result.Output);
    }

    /// <summary>A log built with the library, its signed checkpoint at full size, and the check lines for Go.</summary>
    private sealed class LogFixture
    {
        private LogFixture(InMemoryHashStore store, NoteSigningKey key, string signedCheckpoint)
        {
            Store = store;
            Key = key;
            SignedCheckpoint = signedCheckpoint;
        }

        public InMemoryHashStore Store { get; }

        public NoteSigningKey Key { get; }

        public string SignedCheckpoint { get; }

        public static async Task<LogFixture> CreateAsync(int size)
        {
            var store = await TestTrees.BuildAsync(size);
            var key = NoteSigningKey.Generate(Origin);
            var checkpoint = new Checkpoint(Origin, size, await MerkleTree.RootAsync(size, store));
            return new LogFixture(store, key, checkpoint.Sign(key));
        }

        public async Task<string> InclusionCheckAsync(long index) =>
            InclusionLine(index, TestTrees.LeafData(index), await MerkleTree.ProveInclusionAsync(index, Store.TreeSize, Store));

        public async Task<string> ConsistencyCheckAsync(long oldSize)
        {
            var proof = await MerkleTree.ProveConsistencyAsync(oldSize, Store.TreeSize, Store);
            return $"consistency {oldSize} {(await MerkleTree.RootAsync(oldSize, Store)).ToBase64()} {Hashes(proof)}";
        }

        public static string InclusionLine(long index, byte[] data, IReadOnlyList<LogHash> proof) =>
            $"inclusion {index} {Convert.ToBase64String(data)} {Hashes(proof)}";

        /// <summary>Writes key, checkpoint, signing key and (optionally) stored hashes; returns the verifier's arguments.</summary>
        public async Task<IReadOnlyList<string>> WriteAsync(string directory, bool withStoredHashes = false)
        {
            string Save(string name, string content)
            {
                var path = Path.Combine(directory, name);
                File.WriteAllText(path, content);
                return path;
            }

            List<string> arguments =
            [
                "-key", Save("key.txt", Key.VerifierKey + "\n"),
                "-checkpoint", Save("checkpoint.txt", SignedCheckpoint),
                "-signing-key", Save("signing-key.txt", Key.ExportText() + "\n"),
            ];
            if (withStoredHashes)
            {
                var slots = Enumerable.Range(0, (int)StoredHashLayout.CountFor(Store.TreeSize)).Select(i => (long)i).ToList();
                var hashes = await Store.ReadHashesAsync(slots);
                arguments.AddRange(["-stored", Save("stored.txt", string.Join('\n', hashes.Select(h => h.ToBase64())) + "\n")]);
            }
            return arguments;
        }

        private static string Hashes(IReadOnlyList<LogHash> proof) => proof.Count == 0 ? "-" : string.Join(',', proof.Select(h => h.ToBase64()));
    }
}
