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
}
