using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pilotdeck.Client.Receipts;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Hosting;
using Pilotdeck.TestSupport;
using Pilotdeck.Transparency.Bundles;

namespace Pilotdeck.Server.Tests.Features.Receipts;

/// <summary>ExportEvidenceBundle on the real host, per provider: the bundle's contents verify offline, the export leaves its receipt, and the size bound holds.</summary>
public abstract class EvidenceBundleTests<TFixture>(TFixture host, GoVerifierProgram go) : IClassFixture<TFixture>
    where TFixture : EvidenceHostFixture
{
    private const string ExportAction = "/pilotdeck.receipts.v1.ReceiptsService/ExportEvidenceBundle";

    private async Task<Metadata> AcmeOwnerAsync() => HostFixture.Bearer(await host.UserTokenAsync(host.Acme.OwnerEmail, host.Acme.OwnerPassword));

    private async Task<(byte[] Zip, ExportEvidenceBundleResponse First)> ExportAsync(ExportEvidenceBundleRequest request, Metadata caller)
    {
        using var call = host.Receipts.ExportEvidenceBundle(request, caller);
        using var zip = new MemoryStream();
        ExportEvidenceBundleResponse? first = null;
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            first ??= chunk;
            zip.Write(chunk.Data.Span);
        }

        return (zip.ToArray(), first!);
    }

    [Fact]
    public async Task Export_OfASubject_HoldsItsReceiptsProofsCheckpointKeyAndReadme_AndVerifiesOffline()
    {
        var owner = await AcmeOwnerAsync();
        var subject = await host.RecordReceiptsAsync("acme", 3);
        var timeline = await host.LoggedTimelineAsync(subject, owner);
        var unrelated = await host.RecordReceiptsAsync("acme", 1);

        var (zip, first) = await ExportAsync(new ExportEvidenceBundleRequest { Subject = subject }, owner);

        using var archive = new ZipArchive(new MemoryStream(zip));
        var ids = timeline.Entries.Select(e => e.Receipt.ReceiptId).ToList();
        Assert.Equal(
            new[] { "README.txt", "checkpoint.txt", "manifest.json", "verifier-key.txt" }.Concat(ids.SelectMany(id => new[] { $"receipts/{id}.proof", $"receipts/{id}.txt" })).Order(),
            archive.Entries.Select(e => e.FullName).Order());
        using var readme = new StreamReader(archive.GetEntry("README.txt")!.Open());
        var readmeText = await readme.ReadToEndAsync();
        Assert.Contains("pilotdeck receipts verify", readmeText);
        Assert.Contains("tlog.CheckRecord", readmeText);
        Assert.Contains("pilotdeck.local/tenants/acme", readmeText);
        Assert.DoesNotContain(unrelated, string.Join(",", archive.Entries.Select(e => e.FullName)));

        var verification = EvidenceBundleVerifier.Verify(new MemoryStream(zip), _ => null);
        Assert.True(verification.Verified, string.Join("; ", verification.Problems));
        Assert.Equal(3, verification.ReceiptCount);
        Assert.Equal(TrustOutcome.FirstUse, verification.Trust!.Outcome);
        var key = (await host.Receipts.GetLogInfoAsync(new GetLogInfoRequest(), owner)).VerifierKey;
        Assert.Equal(key, verification.VerifierKey);

        using var manifestStream = new MemoryStream();
        await archive.GetEntry("manifest.json")!.Open().CopyToAsync(manifestStream);
        var manifest = EvidenceManifest.Parse(manifestStream.ToArray());
        Assert.Equal(ids, manifest.Receipts);
        Assert.Equal(subject, manifest.Filter["subject"]);
        Assert.Equal(SHA256.HashData(manifestStream.ToArray()), first.ManifestSha256.ToByteArray());

        // The export is a change of its own: its receipt names the bundle by the manifest's hash.
        var exportReceipts = await host.Receipts.ListReceiptsAsync(new ListReceiptsRequest { Subject = manifest.Export }, owner);
        var exportReceipt = Assert.Single(exportReceipts.Receipts);
        Assert.Equal(first.ExportReceiptId, exportReceipt.ReceiptId);
        Assert.Equal(ExportAction, exportReceipt.Action);
        Assert.Equal("user:" + host.Acme.OwnerUserId, exportReceipt.Actor);
        Assert.Equal(first.ManifestSha256, exportReceipt.ContentSha256);
    }

    [Fact]
    public async Task Export_WithATrustedSize_CarriesAConsistencyProofThatTheVerifierAccepts()
    {
        var owner = await AcmeOwnerAsync();
        var subject = await host.RecordReceiptsAsync("acme", 1);
        var earlier = await host.LoggedTimelineAsync(subject, owner);
        var key = (await host.Receipts.GetLogInfoAsync(new GetLogInfoRequest(), owner)).VerifierKey;
        var later = await host.RecordReceiptsAsync("acme", 1);
        var newer = await host.LoggedTimelineAsync(later, owner);
        Assert.True(newer.TreeSize > earlier.TreeSize);

        var (zip, _) = await ExportAsync(new ExportEvidenceBundleRequest { Subject = later, TrustedTreeSize = earlier.TreeSize }, owner);

        var verification = EvidenceBundleVerifier.Verify(new MemoryStream(zip), _ => new TrustedLog(key, earlier.SignedCheckpoint));
        Assert.True(verification.Verified, string.Join("; ", verification.Problems));
        Assert.Equal(TrustOutcome.Extends, verification.Trust!.Outcome);
    }

    /// <summary>The independent check: Go's sumdb/note and sumdb/tlog accept the bundle's files as they are, and reject a changed receipt.</summary>
    [Fact]
    public async Task GoVerifier_TheBundlesCheckpointInclusionAndConsistencyProofs_AreAcceptedByGosTlog()
    {
        var owner = await AcmeOwnerAsync();
        var earlier = await host.LoggedTimelineAsync(await host.RecordReceiptsAsync("acme", 1), owner);
        var subject = await host.RecordReceiptsAsync("acme", 3);
        await host.LoggedTimelineAsync(subject, owner);
        var (zip, _) = await ExportAsync(new ExportEvidenceBundleRequest { Subject = subject, TrustedTreeSize = earlier.TreeSize }, owner);

        using var archive = new ZipArchive(new MemoryStream(zip));
        var directory = go.NewArtifactDirectory();
        archive.GetEntry("verifier-key.txt")!.ExtractToFile(Path.Combine(directory, "key.txt"));
        archive.GetEntry("checkpoint.txt")!.ExtractToFile(Path.Combine(directory, "checkpoint.txt"));
        var checks = new List<string>();
        var tampered = new List<string>();
        foreach (var receipt in archive.Entries.Where(e => e.FullName.EndsWith(".txt") && e.FullName.StartsWith("receipts/")))
        {
            var bytes = Read(receipt);
            var (index, _, proof) = EvidenceBundleFormat.ParseProof(Encoding.UTF8.GetString(Read(archive.GetEntry(receipt.FullName[..^4] + ".proof")!)), "leaf-index", "tree-size");
            var hashes = proof.Count == 0 ? "-" : string.Join(',', proof.Select(h => h.ToBase64()));
            checks.Add($"inclusion {index} {Convert.ToBase64String(bytes)} {hashes}");
            bytes[^2] ^= 1;
            tampered.Add($"inclusion {index} {Convert.ToBase64String(bytes)} {hashes}");
        }

        var (from, _, consistency) = EvidenceBundleFormat.ParseProof(Encoding.UTF8.GetString(Read(archive.GetEntry("consistency.txt")!)), "from-size", "to-size");
        var trustedRoot = Pilotdeck.Transparency.Checkpoints.Checkpoint.ParseNoteText(earlier.SignedCheckpoint[..(earlier.SignedCheckpoint.IndexOf("\n\n", StringComparison.Ordinal) + 1)]).RootHash;
        checks.Add($"consistency {from} {trustedRoot.ToBase64()} {string.Join(',', consistency.Select(h => h.ToBase64()))}");
        string[] arguments = ["-key", Path.Combine(directory, "key.txt"), "-checkpoint", Path.Combine(directory, "checkpoint.txt")];

        var result = await go.VerifyAsync(arguments, string.Join('\n', checks) + "\n");
        var altered = await go.VerifyAsync(arguments, string.Join('\n', tampered) + "\n");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(3, result.Count("ok inclusion"));
        Assert.Equal(1, result.Count("ok consistency"));
        Assert.Equal(1, altered.ExitCode);
        Assert.Equal(3, altered.Count("FAIL inclusion"));
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Export_MatchingMoreThanTheBound_IsResourceExhaustedWithReason_AndLeavesNoReceipt()
    {
        var owner = await AcmeOwnerAsync();
        var subject = await host.RecordReceiptsAsync("acme", EvidenceHostFixture.MaxEvidenceReceipts + 1);
        var exportsBefore = (await host.Receipts.ListReceiptsAsync(new ListReceiptsRequest { Action = ExportAction, PageSize = 200 }, owner)).Receipts.Count;

        var error = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(new ExportEvidenceBundleRequest { Subject = subject }, owner));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal("EVIDENCE_TOO_LARGE", EvidenceHostFixture.ReasonOf(error));
        Assert.Equal(EvidenceHostFixture.MaxEvidenceReceipts.ToString(), ApiErrors.MetadataOf(error)["max_receipts"]);
        Assert.Equal((EvidenceHostFixture.MaxEvidenceReceipts + 1).ToString(), ApiErrors.MetadataOf(error)["matched_receipts"]);
        var exportsAfter = (await host.Receipts.ListReceiptsAsync(new ListReceiptsRequest { Action = ExportAction, PageSize = 200 }, owner)).Receipts.Count;
        Assert.Equal(exportsBefore, exportsAfter);
    }

    [Fact]
    public async Task Export_WithATimeRangeEndingBeforeItStarts_IsInvalidArgumentNamingEndTime()
    {
        var owner = await AcmeOwnerAsync();
        var now = DateTimeOffset.UtcNow;

        var error = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(
            new ExportEvidenceBundleRequest { StartTime = Timestamp.FromDateTimeOffset(now), EndTime = Timestamp.FromDateTimeOffset(now.AddMinutes(-1)) }, owner));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("end_time", ApiErrors.MetadataOf(error)["fields"]);
    }

    [Fact]
    public async Task Export_ByTimeRange_HoldsOnlyReceiptsCreatedInIt()
    {
        var owner = await AcmeOwnerAsync();
        var before = await host.RecordReceiptsAsync("acme", 1);
        await host.LoggedTimelineAsync(before, owner);
        var start = DateTimeOffset.UtcNow.AddMilliseconds(1);
        await Task.Delay(20);
        var inside = await host.RecordReceiptsAsync("acme", 1);
        var insideId = (await host.LoggedTimelineAsync(inside, owner)).Entries.Single().Receipt.ReceiptId;

        var (zip, _) = await ExportAsync(new ExportEvidenceBundleRequest { Action = "evidence-test.step-0", StartTime = Timestamp.FromDateTimeOffset(start) }, owner);

        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Equal([$"receipts/{insideId}.proof", $"receipts/{insideId}.txt"], archive.Entries.Select(e => e.FullName).Where(n => n.StartsWith("receipts/")).Order());
    }
}

public sealed class SqliteEvidenceBundleTests(EvidenceSqliteHostFixture host, GoVerifierProgram go) : EvidenceBundleTests<EvidenceSqliteHostFixture>(host, go), IClassFixture<GoVerifierProgram>;

public sealed class PostgresEvidenceBundleTests(EvidencePostgresHostFixture host, GoVerifierProgram go) : EvidenceBundleTests<EvidencePostgresHostFixture>(host, go), IClassFixture<GoVerifierProgram>;
