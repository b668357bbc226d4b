using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pilotdeck.Data.Imports;
using Pilotdeck.Server.Features.Imports.Framework;

namespace Pilotdeck.Server.Tests.Features.Imports;

/// <summary>
/// The plan hash is what docs/imports.md says it is: SHA-256 over every part as
/// <c>&lt;byte length&gt;:&lt;UTF-8 bytes&gt;</c>, header, rows in file order, then the count.
/// Computed here the plain way, part by part, and compared with what a pass produces.
/// </summary>
public class ImportRunTests
{
    [Fact]
    public void PlanHash_IsTheDocumentedHash_OverRowsInFileOrder()
    {
        // Options longer than the run's hashing buffer, multi-byte keys, and enough rows to fill it many times.
        var import = new ImportRecord
        {
            Id = "imp_1", Kind = "roster", SourceFileName = "seed.csv", SourceSha256 = new string('a', 64),
            OptionsJson = "{\"note\":\"" + new string('é', 70_000) + "\"}", State = "planning",
            CreatedBy = "user:1",
        };
        var rows = Enumerable.Range(1, 5_000).Select(n => (Number: (long)n, Key: $"用户{n}@example.com", Existing: n % 3 == 0 ? $"participant:{n}" : "")).ToList();

        using var run = new ImportRun(import, new Dictionary<string, string>(), receipts: null!);
        var stored = new List<ImportRowRecord>();
        foreach (var batch in rows.Chunk(700))
        {
            // A batch's rows may be recorded in any order; they are hashed in file order.
            foreach (var row in batch.Reverse())
            {
                if (row.Number % 10 == 0)
                {
                    run.Reject(row.Number, row.Key, new RowProblem("email", "is not a valid email address"));
                }
                else
                {
                    run.Record(row.Number, row.Key, new RowChange(row.Existing.Length == 0 ? RowOutcomeKind.Created : RowOutcomeKind.Unchanged, row.Existing));
                }
            }

            stored.AddRange(run.EndBatch());
        }

        var parts = new List<string> { "pilotdeck.import-plan.v1", import.Kind, import.SourceSha256, import.OptionsJson };
        foreach (var row in rows)
        {
            var rejected = row.Number % 10 == 0;
            parts.AddRange([
                row.Number.ToString(CultureInfo.InvariantCulture),
                rejected ? "rejected" : row.Existing.Length == 0 ? "created" : "unchanged",
                row.Key,
                rejected ? "" : row.Existing,
                rejected ? "email" : "",
                rejected ? "email: is not a valid email address" : "",
            ]);
        }

        parts.AddRange(["rows", rows.Count.ToString(CultureInfo.InvariantCulture)]);
        using var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            expected.AppendData(Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + ":"));
            expected.AppendData(bytes);
        }

        Assert.Equal(Convert.ToHexStringLower(expected.GetHashAndReset()), run.PlanHash());
        Assert.Equal(rows.Select(r => r.Number), stored.Select(r => r.RowNumber));
    }
}
