using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data.Imports;
using static Pilotdeck.Data.Tests.TenantIsolationTests;

namespace Pilotdeck.Data.Tests;

/// <summary>
/// Reading an import's plan rows (<see cref="ImportRowQueries.OfImport"/>): exactly the rows of the
/// import and outcome asked for, of the scope's tenant; the outcomes with an index of their own are
/// read through it, also in the plan PostgreSQL reuses, and the others through the primary key, in
/// row order either way. And runs of plan rows (ADR 0028): how they are made, paged through and
/// how one key in them is erased.
/// </summary>
public class ImportRowQueriesTests
{
    private static readonly string[] Outcomes = [RowOutcomes.Created, RowOutcomes.Updated, RowOutcomes.Unchanged, RowOutcomes.Rejected];

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task OfImport_FindsTheRowsOfTheImportAndOutcome_AndNoneOfAnotherImportOrTenant(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await AddImportAsync(database, Alpha, "imp-a");
        await AddImportAsync(database, Alpha, "imp-a2");
        await AddImportAsync(database, Beta, "imp-b");

        await using var scope = database.TenantScope(Alpha);
        var db = scope.Db();
        foreach (var outcome in Outcomes)
        {
            var rows = await db.ImportRows.OfImport("imp-a", outcome).OrderBy(r => r.RowNumber).Select(r => r.RowNumber).ToListAsync();
            Assert.Equal([Array.IndexOf(Outcomes, outcome) + 1L, Array.IndexOf(Outcomes, outcome) + 5L], rows);
        }

        Assert.Equal(8, await db.ImportRows.OfImport("imp-a").CountAsync());
        Assert.Empty(await db.ImportRows.OfImport("imp-b", RowOutcomes.Rejected).ToListAsync());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task OfImport_ReadsAnIndexedOutcomeThroughItsOwnIndex_AndTheOthersThroughThePrimaryKey_InRowOrder(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using var scope = database.TenantScope(Alpha);
        var db = scope.Db();
        await db.Database.OpenConnectionAsync();
        var postgres = provider == DatabaseProvider.Postgres;
        if (postgres)
        {
            // The plan PostgreSQL reuses for every call of a prepared statement, on a table too small to bother with an index otherwise.
            await db.Database.ExecuteSqlRawAsync("SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off");
        }

        foreach (var outcome in Outcomes)
        {
            await using var query = db.ImportRows.OfImport("imp-a", outcome).OrderBy(r => r.RowNumber).CreateDbCommand();
            var plan = postgres ? await GenericPlanAsync(db, query) : await ReadAsync(db, "EXPLAIN QUERY PLAN " + query.CommandText, query.Parameters.Cast<DbParameter>(), column: 3);

            var index = RowOutcomes.Indexed.Contains(outcome) ? $"IX_import_rows_{outcome}" : postgres ? "PK_import_rows" : "sqlite_autoindex_import_rows_1";
            var expected = postgres ? $"Index Scan using \"{index}\" on import_rows" : $"SEARCH i USING INDEX {index} (tenant_id=? AND import_id=?)";
            Assert.True(plan.Any(step => step.TrimStart(' ', '-', '>').StartsWith(expected, StringComparison.Ordinal)), $"{outcome}: {string.Join(" / ", plan)}");
            Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal) || step.Contains("Sort", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void ToRuns_StoresConsecutiveCreatedOrUnchangedRowsAsOne_AndExpandGivesEveryRowBack()
    {
        var outcomes = "ccccuuxcc" + "r" + "c";
        var rows = outcomes.Select((o, i) => Row(i + 1, o switch
        {
            'c' => RowOutcomes.Created, 'u' => RowOutcomes.Unchanged, 'x' => RowOutcomes.Updated, _ => RowOutcomes.Rejected,
        }, $"cohort/email:p{i + 1}@example.com")).ToList();
        // Row 13 follows a gap (row 12 is missing): a run takes consecutive rows only.
        rows.Add(Row(13, RowOutcomes.Created, "cohort/alias:\"Zhang, Wei\" 张伟"));

        var stored = ImportRowQueries.ToRuns(rows);

        Assert.Equal([(1L, 4L), (5L, 6L), (7L, 0L), (8L, 9L), (10L, 0L), (11L, 0L), (13L, 0L)], stored.Select(r => (r.RowNumber, r.LastRowNumber)));
        Assert.Equal(rows.Select(r => (r.RowNumber, r.Outcome, r.Key)), stored.SelectMany(r => r.Expand()).Select(r => (r.RowNumber, r.Outcome, r.Key)));
        var longRun = ImportRowQueries.ToRuns(Enumerable.Range(1, ImportRowRecord.MaxRunLength + 1).Select(i => Row(i, RowOutcomes.Created, "k")).ToList());
        Assert.Equal([(1L, (long)ImportRowRecord.MaxRunLength), (ImportRowRecord.MaxRunLength + 1L, 0L)], longRun.Select(r => (r.RowNumber, r.LastRowNumber)));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RowsAfter_PagesThroughRunsFromInsideOne_AndErasingAKeyBlanksItAloneWhereverItIs(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await AddImportAsync(database, Alpha, "imp-a");
        await AddImportAsync(database, Beta, "imp-b");
        // Keys a careless text search would confuse: a separator, a quote, a prefix of another key.
        string[] keys = ["c/,", "c/\"q\"", "c/a", "c/ab", "c/张伟", "c/a"];
        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            await db.InsertInBulkAsync(ImportRowQueries.ToRuns([.. keys.Select((k, i) => Row(101 + i, RowOutcomes.Created, k)), Row(107, RowOutcomes.Updated, "c/a")]), CancellationToken.None);
        }

        await using var reader = database.TenantScope(Alpha);
        var read = reader.Db();
        var all = read.ImportRows.AsNoTracking().OfImport("imp-a");
        var pages = new List<long>();
        for (long? after = null; ;)
        {
            var page = await all.RowsAfterAsync(after, 3, CancellationToken.None);
            if (page.Count == 0)
            {
                break;
            }

            pages.AddRange(page.Select(r => r.RowNumber));
            after = page[^1].RowNumber;
        }

        Assert.Equal([.. Enumerable.Range(1, 8).Select(n => (long)n), .. Enumerable.Range(101, 7).Select(n => (long)n)], pages);
        Assert.Equal([103L, 104L], (await read.ImportRows.AsNoTracking().OfImport("imp-a", RowOutcomes.Created).RowsAfterAsync(102, 2, CancellationToken.None)).Select(r => r.RowNumber));

        Assert.Equal(2, await read.ImportRows.HoldingKey("c/a").CountAsync());
        Assert.Equal(2, await read.ImportRows.EraseKeyAsync("c/a", CancellationToken.None));
        Assert.Equal(1, await read.ImportRows.EraseKeyAsync("c/,", CancellationToken.None));
        Assert.Equal(0, await read.ImportRows.EraseKeyAsync("c/", CancellationToken.None));

        var keysLeft = (await all.RowsAfterAsync(100, 10, CancellationToken.None)).Select(r => r.Key);
        Assert.Equal(["", "c/\"q\"", "", "c/ab", "c/张伟", "", ""], keysLeft);
    }

    private static ImportRowRecord Row(long number, string outcome, string key) => new() { ImportId = "imp-a", RowNumber = number, Outcome = outcome, Key = key };

    // The query prepared by name and explained as executed with a generic plan: its parameters as
    // $1, $2… (longest names replaced first, so no name is cut by a shorter one) and their values.
    private static async Task<List<string>> GenericPlanAsync(PilotdeckDbContext db, DbCommand query)
    {
        var parameters = query.Parameters.Cast<DbParameter>().ToList();
        var sql = query.CommandText;
        foreach (var parameter in parameters.OrderByDescending(p => p.ParameterName.Length))
        {
            sql = sql.Replace("@" + parameter.ParameterName.TrimStart('@'), "$" + (parameters.IndexOf(parameter) + 1), StringComparison.Ordinal);
        }

        await ReadAsync(db, "PREPARE q AS " + sql, [], column: 0);
        try
        {
            return await ReadAsync(db, $"EXPLAIN EXECUTE q({string.Join(", ", parameters.Select(p => $"'{p.Value}'"))})", [], column: 0);
        }
        finally
        {
            await ReadAsync(db, "DEALLOCATE q", [], column: 0);
        }
    }

    private static async Task<List<string>> ReadAsync(PilotdeckDbContext db, string sql, IEnumerable<DbParameter> parameters, int column)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        foreach (var parameter in parameters)
        {
            var copy = command.CreateParameter();
            (copy.ParameterName, copy.Value) = (parameter.ParameterName, parameter.Value);
            command.Parameters.Add(copy);
        }

        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(column));
        }

        return lines;
    }

    // Rows 1-4 and 5-8 take the four outcomes in turn.
    private static async Task AddImportAsync(TestDatabase database, string tenant, string importId)
    {
        await using var scope = database.TenantScope(tenant);
        var db = scope.Db();
        var now = database.Time.GetUtcNow();
        db.Imports.Add(new ImportRecord
        {
            Id = importId, Kind = "roster", SourceFileName = "seed.csv", SourceSha256 = "", OptionsJson = "{}", State = ImportStates.Planned,
            CreatedBy = "test", CreatedAt = now, UpdatedAt = now,
        });
        for (var row = 1; row <= 8; row++)
        {
            db.ImportRows.Add(new ImportRowRecord { ImportId = importId, RowNumber = row, Outcome = Outcomes[(row - 1) % 4], Key = $"k{row}" });
        }

        await db.SaveChangesAsync();
    }
}
