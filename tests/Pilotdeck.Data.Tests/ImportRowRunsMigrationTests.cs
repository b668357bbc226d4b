using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data.Imports;

namespace Pilotdeck.Data.Tests;

/// <summary>
/// Going back from migration ImportRowRuns turns every run of plan rows into one record per row
/// again, each with its own key (erased keys stay erased), per provider.
/// </summary>
public class ImportRowRunsMigrationTests
{
    private const string Alpha = TenantIsolationTests.Alpha;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Downgrade_ExpandsRunsIntoOneRecordPerRow(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await database.AddTenantsAsync(Alpha);
        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            var now = database.Time.GetUtcNow();
            db.Imports.Add(new ImportRecord
            {
                Id = "imp-a", Kind = "roster", SourceFileName = "seed.csv", SourceSha256 = "", OptionsJson = "{}", State = ImportStates.Planned,
                CreatedBy = "test", CreatedAt = now, UpdatedAt = now,
            });
            await db.SaveChangesAsync();
            ImportRowRecord Row(long number, string outcome, string key, string reason = "") =>
                new() { ImportId = "imp-a", RowNumber = number, Outcome = outcome, Key = key, Reason = reason };
            await db.InsertInBulkAsync(ImportRowQueries.ToRuns(
            [
                Row(1, RowOutcomes.Created, "c/a"), Row(2, RowOutcomes.Created, "c/\"b\""), Row(3, RowOutcomes.Created, "c/张伟"),
                Row(4, RowOutcomes.Rejected, "c/d", "email: is not valid"),
                Row(5, RowOutcomes.Unchanged, "c/e"), Row(6, RowOutcomes.Unchanged, "c/f"),
            ]), CancellationToken.None);
            await db.ImportRows.EraseKeyAsync("c/\"b\"", CancellationToken.None);
            await db.ImportRows.Where(r => r.RowNumber == 5).ExecuteUpdateAsync(s => s.SetProperty(r => r.Keys, ""));
        }

        await database.MigrateToBeforeAsync("ImportRowRuns");
        await using (var scope = database.UnboundScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            var rows = await db.Database.SqlQueryRaw<StoredRow>("SELECT row_number AS \"RowNumber\", outcome AS \"Outcome\", key AS \"Key\" FROM import_rows")
                .OrderBy(r => r.RowNumber).ToListAsync();

            Assert.Equal(
            [
                new StoredRow(1, "created", "c/a"), new StoredRow(2, "created", ""), new StoredRow(3, "created", "c/张伟"),
                new StoredRow(4, "rejected", "c/d"), new StoredRow(5, "unchanged", ""), new StoredRow(6, "unchanged", ""),
            ], rows);
        }
    }

    private sealed record StoredRow(long RowNumber, string Outcome, string Key);
}
