using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pilotdeck.Data.Imports;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>
/// One pass of an importer over a file — a dry-run or a commit — collecting the plan: each row's
/// outcome, the counts and the plan hash. Rows are hashed in file order, batch by batch, so the
/// hash does not depend on batch sizes (docs/imports.md, "Plan hash").
/// </summary>
public sealed class ImportRun : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Dictionary<string, long> _firstRowOfKey = new(StringComparer.Ordinal);
    private readonly List<ImportRowRecord> _batch = [];

    public ImportRun(ImportRecord import, IReadOnlyDictionary<string, string> options, ChangeReceipts receipts)
    {
        Import = import;
        Options = options;
        Receipts = receipts;
        foreach (var part in new[] { "pilotdeck.import-plan.v1", import.Kind, import.SourceSha256, import.OptionsJson })
        {
            Append(part);
        }
    }

    public ImportRecord Import { get; }

    public IReadOnlyDictionary<string, string> Options { get; }

    /// <summary>For importers applying a commit: adds each changed record's receipt in the commit's transaction.</summary>
    public ChangeReceipts Receipts { get; }

    /// <summary>
    /// New records (and their receipts) an importer's commit adds for the framework to insert in
    /// bulk after the batch, in the commit's transaction, instead of adding them to the context.
    /// </summary>
    public List<object> NewRecords { get; } = [];

    /// <summary>What every row digest of this import starts with (<see cref="ImportDigests.Header"/>), once computed (threads that race compute the same bytes).</summary>
    internal byte[]? RowDigestHeader { get; set; }

    public long Created { get; private set; }
    public long Updated { get; private set; }
    public long Unchanged { get; private set; }
    public long Rejected { get; private set; }

    public long Rows => Created + Updated + Unchanged + Rejected;

    /// <summary>The row of the file that first had <paramref name="key"/>; null (and remembered) when this is the first.</summary>
    public long? FirstRowOf(string key, long rowNumber)
    {
        if (_firstRowOfKey.TryGetValue(key, out var first))
        {
            return first;
        }

        _firstRowOfKey[key] = rowNumber;
        return null;
    }

    public void Reject(long rowNumber, string key, params RowProblem[] problems)
    {
        Rejected++;
        var field = string.Join(",", problems.Select(p => p.Field).Where(f => f.Length > 0).Distinct());
        var reason = string.Join("; ", problems.Select(p => p.Field.Length > 0 ? $"{p.Field}: {p.Reason}" : p.Reason));
        Add(rowNumber, RowOutcomes.Rejected, key, "", Truncate(field, 100), Truncate(reason, 500));
    }

    public void Record(long rowNumber, string key, RowChange change)
    {
        switch (change.Outcome)
        {
            case RowOutcomeKind.Created: Created++; break;
            case RowOutcomeKind.Updated: Updated++; break;
            case RowOutcomeKind.Unchanged: Unchanged++; break;
            default: throw new ArgumentException("Rejections go through Reject.", nameof(change));
        }

        Add(rowNumber, NameOf(change.Outcome), key, change.Existing, "", "");
    }

    /// <summary>Hashes the batch's rows in file order and hands them over (to store, for a dry-run).</summary>
    public IReadOnlyList<ImportRowRecord> EndBatch()
    {
        _batch.Sort((a, b) => a.RowNumber.CompareTo(b.RowNumber));
        var rows = _batch.ToList();
        _batch.Clear();
        foreach (var row in rows)
        {
            Append(row.RowNumber.ToString(CultureInfo.InvariantCulture));
            Append(row.Outcome);
            Append(row.Key);
            Append(_existing[row.RowNumber]);
            Append(row.Field);
            Append(row.Reason);
        }

        _existing.Clear();
        return rows;
    }

    /// <summary>The plan hash, lower-case hex; call once, after the last batch.</summary>
    public string PlanHash()
    {
        Append("rows");
        Append(Rows.ToString(CultureInfo.InvariantCulture));
        Flush();
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public void Dispose() => _hash.Dispose();

    // The existing-record fingerprints are hashed but not stored with the plan rows.
    private readonly Dictionary<long, string> _existing = [];

    private void Add(long rowNumber, string outcome, string key, string existing, string field, string reason)
    {
        _existing[rowNumber] = existing;
        _batch.Add(new ImportRowRecord { ImportId = Import.Id, RowNumber = rowNumber, Outcome = outcome, Key = Truncate(key, 400), Field = field, Reason = reason });
    }

    // Each part length-prefixed, so no choice of values can make two plans hash alike. Six parts a
    // row: gathered in one buffer and hashed a block at a time, not with two calls into the
    // hash (each a call into OpenSSL) per part.
    private byte[] _pending = new byte[64 * 1024];
    private int _pendingLength;

    private void Append(string part)
    {
        var length = Encoding.UTF8.GetByteCount(part);
        Reserve(length + 12);
        length.TryFormat(_pending.AsSpan(_pendingLength), out var written, default, CultureInfo.InvariantCulture);
        _pendingLength += written;
        _pending[_pendingLength++] = (byte)':';
        _pendingLength += Encoding.UTF8.GetBytes(part, _pending.AsSpan(_pendingLength));
    }

    private void Reserve(int bytes)
    {
        if (_pendingLength + bytes <= _pending.Length)
        {
            return;
        }

        Flush();
        if (bytes > _pending.Length)
        {
            _pending = new byte[bytes];
        }
    }

    private void Flush()
    {
        _hash.AppendData(_pending, 0, _pendingLength);
        _pendingLength = 0;
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";

    private static string NameOf(RowOutcomeKind outcome) => outcome switch
    {
        RowOutcomeKind.Created => RowOutcomes.Created,
        RowOutcomeKind.Updated => RowOutcomes.Updated,
        RowOutcomeKind.Unchanged => RowOutcomes.Unchanged,
        _ => RowOutcomes.Rejected,
    };
}
