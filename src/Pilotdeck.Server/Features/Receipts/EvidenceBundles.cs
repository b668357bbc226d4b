using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Data;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Server.Platform.Receipts;
using Pilotdeck.Transparency.Bundles;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Server.Features.Receipts;

/// <summary>An evidence bundle's zip bytes and its manifest, whose hash the export's receipt records.</summary>
public sealed record EvidenceBundle(string ExportName, byte[] Zip, byte[] Manifest);

/// <summary>
/// Builds an evidence bundle (layout: <see cref="EvidenceBundleFormat"/>): the receipts matching the
/// filter that are in the latest checkpoint, each with its inclusion proof against it, the signed
/// checkpoint, the verifier key, optionally a consistency proof from a size the caller trusts, and
/// a README. Built in memory: the receipt bound keeps it small (a few hundred bytes per receipt).
/// </summary>
public sealed class EvidenceBundles(PilotdeckDbContext db, TenantLogKeys keys, IOptions<ReceiptLogOptions> options, TimeProvider time)
{
    public async Task<EvidenceBundle> BuildAsync(ExportEvidenceBundleRequest request, CancellationToken cancellationToken)
    {
        var (start, end) = TimeRange(request);
        var checkpoint = await db.LatestCheckpointAsync(cancellationToken)
            ?? throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ReceiptPending, "The log has no signed checkpoint yet; export again in a moment.",
                new Dictionary<string, string> { ["checkpoint_delay_ms"] = ((long)options.Value.CheckpointDelay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) });
        if (request.TrustedTreeSize < 0 || request.TrustedTreeSize > checkpoint.TreeSize)
        {
            var problem = $"must be between 0 and the latest checkpoint's size ({checkpoint.TreeSize})";
            throw ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.TreeSizeInvalid, "trusted_tree_size " + problem + ".",
                new Dictionary<string, string> { ["latest_tree_size"] = checkpoint.TreeSize.ToString(CultureInfo.InvariantCulture) },
                [new FieldViolation("trusted_tree_size", problem)]);
        }

        var matching = db.Receipts.AsNoTracking().Matching(request.Actor, request.Action, request.Subject, start, end);
        var matched = await matching.CountAsync(cancellationToken);
        var max = options.Value.MaxEvidenceReceipts;
        if (matched > max)
        {
            throw ApiErrors.Create(StatusCode.ResourceExhausted, ErrorReason.EvidenceTooLarge,
                $"The filter matches {matched} receipts; one evidence bundle holds at most {max}. Narrow it by subject, actor, action or time.",
                new Dictionary<string, string>
                {
                    ["max_receipts"] = max.ToString(CultureInfo.InvariantCulture),
                    ["matched_receipts"] = matched.ToString(CultureInfo.InvariantCulture),
                });
        }

        var receipts = await matching.Where(r => r.LogIndex != null && r.LogIndex < checkpoint.TreeSize).OrderBy(r => r.LogIndex).ToListAsync(cancellationToken);
        var exportedAt = time.GetUtcNow();
        var manifest = new EvidenceManifest
        {
            Export = "evidence-bundles/" + Guid.NewGuid().ToString("N"),
            Origin = keys.Origin,
            TreeSize = checkpoint.TreeSize,
            ExportedAt = exportedAt,
            Receipts = [.. receipts.Select(r => r.Id)],
            PendingNotIncluded = matched - receipts.Count,
            ConsistencyFromSize = request.TrustedTreeSize > 0 ? request.TrustedTreeSize : null,
        };
        AddFilter(manifest, request);

        var files = new List<(string Name, byte[] Bytes)>
        {
            (EvidenceBundleFormat.CheckpointFile, Utf8(checkpoint.SignedNote)),
            (EvidenceBundleFormat.VerifierKeyFile, Utf8(await keys.FindVerifierKeyAsync(cancellationToken) + "\n")),
            (EvidenceBundleFormat.ReadmeFile, Utf8(Readme(keys.Origin, checkpoint.TreeSize))),
        };
        var hashes = new DatabaseHashReader(db);
        var proofs = await MerkleTree.ProveInclusionsAsync([.. receipts.Select(r => r.LogIndex!.Value)], checkpoint.TreeSize, hashes, cancellationToken);
        for (var i = 0; i < receipts.Count; i++)
        {
            var receipt = receipts[i];
            files.Add((EvidenceBundleFormat.ReceiptFile(receipt.Id), ReceiptText.Canonical(receipt)));
            files.Add((EvidenceBundleFormat.ProofFile(receipt.Id), Utf8(EvidenceBundleFormat.FormatInclusionProof(receipt.LogIndex!.Value, checkpoint.TreeSize, proofs[i]))));
        }

        if (manifest.ConsistencyFromSize is { } from)
        {
            var proof = await MerkleTree.ProveConsistencyAsync(from, checkpoint.TreeSize, hashes, cancellationToken);
            files.Add((EvidenceBundleFormat.ConsistencyFile, Utf8(EvidenceBundleFormat.FormatConsistencyProof(from, checkpoint.TreeSize, proof))));
        }

        foreach (var (name, bytes) in files)
        {
            manifest.Files[name] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }

        var manifestBytes = manifest.ToJsonBytes();
        files.Insert(0, (EvidenceBundleFormat.ManifestFile, manifestBytes));
        return new EvidenceBundle(manifest.Export, Zip(files, exportedAt), manifestBytes);
    }

    private static (DateTimeOffset? Start, DateTimeOffset? End) TimeRange(ExportEvidenceBundleRequest request)
    {
        DateTimeOffset? start = request.StartTime?.ToDateTimeOffset();
        DateTimeOffset? end = request.EndTime?.ToDateTimeOffset();
        if (start is not null && end is not null && end <= start)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("end_time", "must be after start_time"));
        }

        return (start, end);
    }

    private static void AddFilter(EvidenceManifest manifest, ExportEvidenceBundleRequest request)
    {
        foreach (var (key, value) in new[]
        {
            ("subject", request.Subject), ("actor", request.Actor), ("action", request.Action),
            ("start_time", request.StartTime?.ToDateTimeOffset().ToString("O", CultureInfo.InvariantCulture) ?? ""),
            ("end_time", request.EndTime?.ToDateTimeOffset().ToString("O", CultureInfo.InvariantCulture) ?? ""),
        })
        {
            if (value.Length > 0)
            {
                manifest.Filter[key] = value;
            }
        }
    }

    private static string Readme(string origin, long treeSize)
    {
        using var stream = typeof(EvidenceBundles).Assembly.GetManifestResourceStream("Pilotdeck.Server.EvidenceBundleReadme.txt")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("{origin}", origin, StringComparison.Ordinal).Replace("{tree_size}", treeSize.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private static byte[] Zip(IEnumerable<(string Name, byte[] Bytes)> files, DateTimeOffset stamp)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in files)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = stamp;
                using var stream = entry.Open();
                stream.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    private static byte[] Utf8(string text) => global::System.Text.Encoding.UTF8.GetBytes(text);
}
