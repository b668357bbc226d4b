using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Hosting;
using Pilotdeck.TestSupport;
using Pilotdeck.Transparency.Checkpoints;
using Pilotdeck.Transparency.Merkle;
using Pilotdeck.Transparency.Notes;

namespace Pilotdeck.Server.Tests.Platform.Receipts;

/// <summary>
/// Each tenant's receipt log on the real host, per provider: a change's receipt is in a signed
/// checkpoint within moments, its inclusion proof and the log's consistency verify with the
/// published key, and another tenant cannot read it.
/// </summary>
public abstract class ReceiptLogTests<TFixture> : IClassFixture<TFixture>
    where TFixture : HostFixture
{
    private readonly TFixture _host;
    private readonly GoVerifierProgram _go;

    protected ReceiptLogTests(TFixture host, GoVerifierProgram go)
    {
        _host = host;
        _go = go;
    }

    private ReceiptsService.ReceiptsServiceClient Receipts => new(_host.CreateChannel());

    private async Task<Metadata> OwnerOfAsync(TenantUnderTest tenant) => HostFixture.Bearer(await _host.UserTokenAsync(tenant.OwnerEmail, tenant.OwnerPassword));

    private async Task<string> CreateMemberReceiptAsync(Metadata owner)
    {
        var created = await new IdentityService.IdentityServiceClient(_host.CreateChannel()).CreateMemberAsync(
            new CreateMemberRequest { Email = $"log-{Guid.NewGuid():N}@acme.test", Role = TenantRole.Viewer, InitialPassword = "Viewer-Password-123" }, owner);
        var listed = await Receipts.ListReceiptsAsync(new ListReceiptsRequest { Subject = "members/" + created.Member.UserId }, owner);
        return Assert.Single(listed.Receipts).ReceiptId;
    }

    /// <summary>Asks until the sequencer has signed a checkpoint holding the receipt (its period is 1 s).</summary>
    private async Task<GetReceiptResponse> ProvenAsync(string receiptId, Metadata caller)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                return await Receipts.GetReceiptAsync(new GetReceiptRequest { ReceiptId = receiptId }, caller);
            }
            catch (RpcException ex) when (ApiErrors.ReasonOf(ex) == "RECEIPT_PENDING")
            {
                await Task.Delay(200, timeout.Token);
            }
        }
    }

    [Fact]
    public async Task GetReceipt_AfterAChange_IsInASignedCheckpointWithAVerifyingInclusionProof()
    {
        var owner = await OwnerOfAsync(_host.Acme);
        var receiptId = await CreateMemberReceiptAsync(owner);

        var proven = await ProvenAsync(receiptId, owner);
        var info = await Receipts.GetLogInfoAsync(new GetLogInfoRequest(), owner);

        Assert.Equal("pilotdeck.local/tenants/acme", info.Origin);
        var checkpoint = Checkpoint.Open(proven.SignedCheckpoint, NoteVerifierKey.Parse(info.VerifierKey));
        Assert.Equal(info.Origin, checkpoint.Origin);
        Assert.Equal(proven.TreeSize, checkpoint.TreeSize);
        var leaf = LogHash.OfLeaf(proven.Canonical.Span);
        var proof = proven.InclusionProof.Select(h => new LogHash(h.Span)).ToList();
        Assert.True(MerkleProof.VerifyInclusion(leaf, proven.Receipt.LogIndex, checkpoint.TreeSize, proof, checkpoint.RootHash));
        Assert.Contains($"id {receiptId}\n", proven.Canonical.ToStringUtf8());
        // One changed byte of the receipt no longer proves.
        var tampered = proven.Canonical.ToByteArray();
        tampered[^2] ^= 1;
        Assert.False(MerkleProof.VerifyInclusion(LogHash.OfLeaf(tampered), proven.Receipt.LogIndex, checkpoint.TreeSize, proof, checkpoint.RootHash));
    }

    [Fact]
    public async Task GetConsistencyProof_BetweenTwoCheckpoints_ProvesTheLogOnlyGrew()
    {
        var owner = await OwnerOfAsync(_host.Acme);
        var firstNote = (await ProvenAsync(await CreateMemberReceiptAsync(owner), owner)).SignedCheckpoint;
        var key = NoteVerifierKey.Parse((await Receipts.GetLogInfoAsync(new GetLogInfoRequest(), owner)).VerifierKey);
        var first = Checkpoint.Open(firstNote, key);
        var second = Checkpoint.Open((await ProvenAsync(await CreateMemberReceiptAsync(owner), owner)).SignedCheckpoint, key);

        var proof = await Receipts.GetConsistencyProofAsync(new GetConsistencyProofRequest { FirstSize = first.TreeSize, SecondSize = second.TreeSize }, owner);

        Assert.True(second.TreeSize > first.TreeSize);
        Assert.True(MerkleProof.VerifyConsistency(first.TreeSize, first.RootHash, second.TreeSize, second.RootHash, [.. proof.Proof.Select(h => new LogHash(h.Span))]));
    }

    [Fact]
    public async Task GoVerifier_TheServersCheckpointAndProofs_AreAcceptedByGosTlog()
    {
        var owner = await OwnerOfAsync(_host.Acme);
        var earlier = await ProvenAsync(await CreateMemberReceiptAsync(owner), owner);
        var receiptIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            receiptIds.Add(await CreateMemberReceiptAsync(owner));
        }

        // Every proof against the one checkpoint that holds the last receipt.
        var latest = await ProvenAsync(receiptIds[^1], owner);
        var proven = new List<GetReceiptResponse> { latest };
        foreach (var id in receiptIds.Take(2).Prepend(earlier.Receipt.ReceiptId))
        {
            proven.Add(await Receipts.GetReceiptAsync(new GetReceiptRequest { ReceiptId = id, TreeSize = latest.TreeSize }, owner));
        }

        var key = (await Receipts.GetLogInfoAsync(new GetLogInfoRequest(), owner)).VerifierKey;
        var consistency = await Receipts.GetConsistencyProofAsync(new GetConsistencyProofRequest { FirstSize = earlier.TreeSize, SecondSize = latest.TreeSize }, owner);
        var directory = _go.NewArtifactDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory, "key.txt"), key);
        await File.WriteAllTextAsync(Path.Combine(directory, "checkpoint.txt"), latest.SignedCheckpoint);
        var checks = proven.Select(p => $"inclusion {p.Receipt.LogIndex} {p.Canonical.ToBase64()} {Hashes(p.InclusionProof)}")
            .Append($"consistency {earlier.TreeSize} {Checkpoint.ParseNoteText(NoteBody(earlier.SignedCheckpoint)).RootHash.ToBase64()} {Hashes(consistency.Proof)}");

        var result = await _go.VerifyAsync(["-key", Path.Combine(directory, "key.txt"), "-checkpoint", Path.Combine(directory, "checkpoint.txt")], string.Join('\n', checks) + "\n");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(proven.Count, result.Count("ok inclusion"));
        Assert.Equal(1, result.Count("ok consistency"));
    }

    private static string Hashes(IEnumerable<Google.Protobuf.ByteString> proof) =>
        proof.Any() ? string.Join(',', proof.Select(h => h.ToBase64())) : "-";

    /// <summary>The checkpoint text of a signed note: everything before the blank line that starts the signatures.</summary>
    private static string NoteBody(string signedNote) => signedNote[..(signedNote.IndexOf("\n\n", StringComparison.Ordinal) + 1)];

    [Fact]
    public async Task ListByAction_TheMethodNameAlone_FindsThatRpcsReceipts_AndOnlyThose()
    {
        var owner = await OwnerOfAsync(_host.Acme);
        var receiptId = await CreateMemberReceiptAsync(owner);

        async Task<List<Receipt>> ListedAsync(string action) =>
            [.. (await Receipts.ListReceiptsAsync(new ListReceiptsRequest { Action = action, PageSize = 200 }, owner)).Receipts];
        var byPath = await ListedAsync("/pilotdeck.identity.v1.IdentityService/CreateMember");
        var byName = await ListedAsync("CreateMember");

        Assert.Contains(byName, r => r.ReceiptId == receiptId);
        Assert.Equal(byPath.Select(r => r.ReceiptId), byName.Select(r => r.ReceiptId));
        Assert.All(byName, r => Assert.Equal("/pilotdeck.identity.v1.IdentityService/CreateMember", r.Action));
        Assert.Empty(await ListedAsync("Member")); // a name matches whole, not as a suffix of another
    }

    [Fact]
    public async Task AnotherTenantsReceipt_IsNotFound_AndItsLogIsItsOwn()
    {
        var acmeOwner = await OwnerOfAsync(_host.Acme);
        var demoOwner = await OwnerOfAsync(_host.Demo);
        var receiptId = await CreateMemberReceiptAsync(acmeOwner);

        var error = await Assert.ThrowsAsync<RpcException>(() => Receipts.GetReceiptAsync(new GetReceiptRequest { ReceiptId = receiptId }, demoOwner).ResponseAsync);
        var demoList = await Receipts.ListReceiptsAsync(new ListReceiptsRequest { PageSize = 200 }, demoOwner);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("RECEIPT_NOT_FOUND", ApiErrors.ReasonOf(error));
        Assert.DoesNotContain(demoList.Receipts, r => r.ReceiptId == receiptId);
        Assert.Equal("pilotdeck.local/tenants/demo", (await Receipts.GetLogInfoAsync(new GetLogInfoRequest(), demoOwner)).Origin);
    }

    /// <summary>
    /// The checkpoint and hash reads are compiled queries run on pooled contexts: each call must see
    /// the tenant of its own scope, whichever tenant the context or the query served before.
    /// </summary>
    [Fact]
    public async Task CheckpointsAndProofs_AskedByTenantsInTurn_AreEachTheirOwnLogs()
    {
        var logs = new List<(Metadata Owner, NoteVerifierKey Key, string ReceiptId, Checkpoint First, Checkpoint Second)>();
        foreach (var tenant in new[] { _host.Acme, _host.Demo })
        {
            var owner = await OwnerOfAsync(tenant);
            var receiptId = await CreateMemberReceiptAsync(owner);
            var firstNote = (await ProvenAsync(receiptId, owner)).SignedCheckpoint;
            var key = NoteVerifierKey.Parse((await Receipts.GetLogInfoAsync(new GetLogInfoRequest(), owner)).VerifierKey);
            var first = Checkpoint.Open(firstNote, key);
            var second = Checkpoint.Open((await ProvenAsync(await CreateMemberReceiptAsync(owner), owner)).SignedCheckpoint, key);
            logs.Add((owner, key, receiptId, first, second));
        }

        foreach (var (owner, key, receiptId, first, second) in logs.Concat(logs))
        {
            var latest = Checkpoint.Open((await Receipts.GetCheckpointAsync(new GetCheckpointRequest(), owner)).SignedCheckpoint, key);
            var againstLatest = await Receipts.GetReceiptAsync(new GetReceiptRequest { ReceiptId = receiptId }, owner);
            var proven = await Receipts.GetReceiptAsync(new GetReceiptRequest { ReceiptId = receiptId, TreeSize = second.TreeSize }, owner);
            var consistency = await Receipts.GetConsistencyProofAsync(new GetConsistencyProofRequest { FirstSize = first.TreeSize, SecondSize = second.TreeSize }, owner);

            Assert.Equal(first.Origin, latest.Origin);
            Assert.True(latest.TreeSize >= second.TreeSize);
            Assert.True(Checkpoint.Open(againstLatest.SignedCheckpoint, key).TreeSize >= latest.TreeSize);
            Assert.True(MerkleProof.VerifyInclusion(LogHash.OfLeaf(proven.Canonical.Span), proven.Receipt.LogIndex, second.TreeSize,
                [.. proven.InclusionProof.Select(h => new LogHash(h.Span))], second.RootHash));
            Assert.True(MerkleProof.VerifyConsistency(first.TreeSize, first.RootHash, second.TreeSize, second.RootHash, [.. consistency.Proof.Select(h => new LogHash(h.Span))]));
        }

        Assert.NotEqual(logs[0].First.Origin, logs[1].First.Origin);
    }

    [Fact]
    public async Task GetReceipt_TreeSizeThatIsNoCheckpoint_IsInvalidArgument()
    {
        var owner = await OwnerOfAsync(_host.Acme);
        var receiptId = await CreateMemberReceiptAsync(owner);

        var error = await Assert.ThrowsAsync<RpcException>(() => Receipts.GetReceiptAsync(new GetReceiptRequest { ReceiptId = receiptId, TreeSize = long.MaxValue }, owner).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("TREE_SIZE_INVALID", ApiErrors.ReasonOf(error));
    }
}

public sealed class SqliteReceiptLogTests(SqliteHostFixture host, GoVerifierProgram go)
    : ReceiptLogTests<SqliteHostFixture>(host, go), IClassFixture<GoVerifierProgram>;

public sealed class PostgresReceiptLogTests(PostgresHostFixture host, GoVerifierProgram go)
    : ReceiptLogTests<PostgresHostFixture>(host, go), IClassFixture<GoVerifierProgram>;
