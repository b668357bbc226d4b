namespace Pilotdeck.Data.Migrations;

/// <summary>
/// Migration ImportRowRuns stores a plan's consecutive created or unchanged rows as runs
/// (docs/adr/0028-plan-rows-in-runs.md). Going back, every run becomes one record per row again,
/// each with its own key, before the columns that describe runs are dropped. The SQL differs per
/// provider only in how it counts through a run and reads a JSON array.
/// </summary>
internal static class ImportRowRunsExpansion
{
    private const string Columns = "tenant_id, import_id, row_number, outcome, key, field, reason, last_row_number, keys";

    public static readonly string[] PostgresDown =
    [
        $"""
        INSERT INTO import_rows ({Columns})
        SELECT r.tenant_id, r.import_id, n.row_number, r.outcome, COALESCE(NULLIF(r.keys, '')::jsonb ->> (n.row_number - r.row_number)::int, ''), '', '', 0, ''
        FROM import_rows r CROSS JOIN LATERAL generate_series(r.row_number + 1, r.last_row_number) AS n(row_number)
        WHERE r.last_row_number > r.row_number
        """,
        "UPDATE import_rows SET key = COALESCE(NULLIF(keys, '')::jsonb ->> 0, '') WHERE last_row_number > 0",
    ];

    public static readonly string[] SqliteDown =
    [
        $"""
        WITH RECURSIVE n(tenant_id, import_id, row_number, first_row, last_row, outcome, keys) AS (
            SELECT tenant_id, import_id, row_number + 1, row_number, last_row_number, outcome, keys FROM import_rows WHERE last_row_number > row_number
            UNION ALL
            SELECT tenant_id, import_id, row_number + 1, first_row, last_row, outcome, keys FROM n WHERE row_number < last_row)
        INSERT INTO import_rows ({Columns})
        SELECT tenant_id, import_id, row_number, outcome, COALESCE(json_extract(NULLIF(keys, ''), '$[' || (row_number - first_row) || ']'), ''), '', '', 0, '' FROM n
        """,
        "UPDATE import_rows SET key = COALESCE(json_extract(NULLIF(keys, ''), '$[0]'), '') WHERE last_row_number > 0",
    ];

    public static readonly string[] SqlServerDown =
    [
        """
        WITH n AS (
            SELECT tenant_id, import_id, [row_number] + 1 AS [row_number], [row_number] AS first_row, last_row_number AS last_row, outcome, [keys] FROM import_rows WHERE last_row_number > [row_number]
            UNION ALL
            SELECT tenant_id, import_id, [row_number] + 1, first_row, last_row, outcome, [keys] FROM n WHERE [row_number] < last_row)
        INSERT INTO import_rows (tenant_id, import_id, [row_number], outcome, [key], field, reason, last_row_number, [keys])
        SELECT tenant_id, import_id, [row_number], outcome, COALESCE(JSON_VALUE(NULLIF([keys], N''), CONCAT('$[', [row_number] - first_row, ']')), N''), N'', N'', 0, N'' FROM n
        OPTION (MAXRECURSION 1100)
        """,
        "UPDATE import_rows SET [key] = COALESCE(JSON_VALUE(NULLIF([keys], N''), '$[0]'), N'') WHERE last_row_number > 0",
    ];
}
