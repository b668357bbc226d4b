using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Pilotdeck.Data.Imports;

/// <summary>How an import's plan rows are read, so that every reader uses the indexes they have.</summary>
public static class ImportRowQueries
{
    /// <summary>
    /// The plan rows of <paramref name="importId"/>, only those of <paramref name="outcome"/> when
    /// given (one of <see cref="RowOutcomes"/>).
    /// </summary>
    /// <remarks>
    /// The outcome is written into the SQL as a literal, not sent as a parameter (four outcomes,
    /// four statements): an index that holds one outcome's rows can answer a query only when the
    /// planner knows the outcome. PostgreSQL's plan for a prepared statement, once it reuses one
    /// for every call, is made without the parameters' values and would read the whole import
    /// through the primary key instead. (SQLite plans again with the bound value.)
    /// </remarks>
    public static IQueryable<ImportRowRecord> OfImport(this IQueryable<ImportRowRecord> rows, string importId, string? outcome = null)
    {
        var ofImport = rows.Where(r => r.ImportId == importId);
        return outcome is null ? ofImport : ofImport.Where(r => r.Outcome == EF.Constant(outcome));
    }

    /// <summary>
    /// Up to <paramref name="count"/> plan rows of <paramref name="records"/> (from
    /// <see cref="OfImport"/>) after row <paramref name="after"/>, in row order, runs expanded.
    /// </summary>
    public static async Task<List<ImportRowRecord>> RowsAfterAsync(this IQueryable<ImportRowRecord> records, long? after, int count, CancellationToken cancellationToken)
    {
        var found = new List<ImportRowRecord>();
        if (after is { } last)
        {
            // The row after the last one listed may sit inside a run that started before it.
            var holding = await records.Where(r => r.RowNumber <= last && r.RowNumber > last - ImportRowRecord.MaxRunLength && r.LastRowNumber > last)
                .OrderBy(r => r.RowNumber).FirstOrDefaultAsync(cancellationToken);
            if (holding is not null)
            {
                found.Add(holding);
            }

            records = records.Where(r => r.RowNumber > last);
        }

        found.AddRange(await records.OrderBy(r => r.RowNumber).Take(count).ToListAsync(cancellationToken));
        return found.SelectMany(Expand).Where(r => after is null || r.RowNumber > after).Take(count).ToList();
    }

    /// <summary>
    /// <paramref name="rows"/> (one record per row, in row order) as stored: consecutive created or
    /// unchanged rows with no field or reason as runs of up to <see cref="ImportRowRecord.MaxRunLength"/>.
    /// </summary>
    public static List<ImportRowRecord> ToRuns(IReadOnlyList<ImportRowRecord> rows)
    {
        static bool Runs(ImportRowRecord row) =>
            row.Outcome is RowOutcomes.Created or RowOutcomes.Unchanged && row.Field.Length == 0 && row.Reason.Length == 0;

        var records = new List<ImportRowRecord>();
        for (var start = 0; start < rows.Count;)
        {
            var end = start + 1;
            if (Runs(rows[start]))
            {
                while (end < rows.Count && end - start < ImportRowRecord.MaxRunLength && Runs(rows[end])
                    && rows[end].Outcome == rows[start].Outcome && rows[end].RowNumber == rows[end - 1].RowNumber + 1)
                {
                    end++;
                }
            }

            var first = rows[start];
            records.Add(end - start == 1 ? first : new ImportRowRecord
            {
                TenantId = first.TenantId, ImportId = first.ImportId, RowNumber = first.RowNumber, LastRowNumber = rows[end - 1].RowNumber,
                Outcome = first.Outcome, Keys = RunKeys(Enumerable.Range(start, end - start).Select(i => rows[i].Key)),
            });
            start = end;
        }

        return records;
    }

    /// <summary>The rows a record holds: itself, or each row of a run with its own key.</summary>
    public static IEnumerable<ImportRowRecord> Expand(this ImportRowRecord record)
    {
        if (record.LastRowNumber == 0)
        {
            yield return record;
            yield break;
        }

        var keys = record.Keys.Length == 0 ? [] : JsonSerializer.Deserialize<string[]>(record.Keys) ?? [];
        for (var row = record.RowNumber; row <= record.LastRowNumber; row++)
        {
            var index = row - record.RowNumber;
            yield return new ImportRowRecord
            {
                TenantId = record.TenantId, ImportId = record.ImportId, RowNumber = row, Outcome = record.Outcome,
                Key = index < keys.Length ? keys[index] : "",
            };
        }
    }

    private static string RunKeys(IEnumerable<string> keys) => JsonSerializer.Serialize(keys);

    /// <summary>
    /// The records holding <paramref name="key"/>: a one-row record with that key, or a run with it
    /// among its keys. An element of a stored array starts after '[' or ',' and is quoted with every
    /// quote inside escaped, so these texts match whole keys only.
    /// </summary>
    public static IQueryable<ImportRowRecord> HoldingKey(this IQueryable<ImportRowRecord> records, string key)
    {
        var (first, later) = KeyInRun(key);
        return records.Where(r => r.Key == key || r.Keys.Contains(first) || r.Keys.Contains(later));
    }

    /// <summary>Empties <paramref name="key"/> wherever the records hold it; other keys stay.</summary>
    public static Task<int> EraseKeyAsync(this IQueryable<ImportRowRecord> records, string key, CancellationToken cancellationToken)
    {
        var (first, later) = KeyInRun(key);
        return records.HoldingKey(key).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Key, r => r.Key == key ? "" : r.Key)
            .SetProperty(r => r.Keys, r => r.Keys.Replace(first, "[\"\"").Replace(later, ",\"\"")), cancellationToken);
    }

    private static (string First, string Later) KeyInRun(string key)
    {
        var quoted = JsonSerializer.Serialize(key);
        return ("[" + quoted, "," + quoted);
    }
}
