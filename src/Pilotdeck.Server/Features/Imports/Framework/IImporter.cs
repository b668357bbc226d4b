using Pilotdeck.Data.Identity;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>
/// What every importer tells the framework about itself. Implement it by deriving from
/// <see cref="Importer{TCandidate, TExisting}"/> and register it with
/// <c>services.AddImporter&lt;T&gt;()</c> (see ImportsFeature); the framework does the rest:
/// upload, CSV reading, duplicates inside the file, plan, plan hash, commit transaction, policy,
/// receipts, manifest, progress and jobs (docs/imports.md).
/// </summary>
public interface IImporter
{
    /// <summary>The kind clients name, lower case, e.g. "identities".</summary>
    string Kind { get; }

    string Description { get; }

    /// <summary>The columns the importer reads; header names match case-insensitively, aliases too.</summary>
    IReadOnlyList<ImportColumn> Columns { get; }

    /// <summary>Option names the importer reads (defaults for missing values, e.g. "cohort").</summary>
    IReadOnlyList<string> OptionNames { get; }

    /// <summary>The column whose value is the natural key (named in duplicate-row rejections).</summary>
    string KeyColumn { get; }

    /// <summary>The lowest role a member needs to run this importer (beyond the RPC's own).</summary>
    MemberRole MinimumRole { get; }

    /// <summary>The scope an API client needs to run this importer (beyond imports.write).</summary>
    string ClientScope { get; }

    /// <summary>Checks the import's options before anything is planned.</summary>
    IEnumerable<FieldViolation> ValidateOptions(IReadOnlyDictionary<string, string> options);

    /// <summary>
    /// Checks that what the options name exists (e.g. the cohort), after <see cref="ValidateOptions"/>;
    /// throws the API error (NOT_FOUND with the feature's reason) when it does not.
    /// </summary>
    Task CheckOptionTargetsAsync(IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken);

    /// <summary>
    /// Loads what one batch of rows refers to (on the pass's connection), then starts checking the
    /// rows on the thread pool and returns: the pass reads the next rows and finishes the previous
    /// batch meanwhile. Called in file order, while the previous batch may still be being parsed. With
    /// <paramref name="lookUpWith"/> (another instance of this importer, in a scope and on a
    /// connection of its own), the batch's existing records are looked up there as soon as its
    /// rows are parsed, while the pass finishes earlier batches: a dry-run, which writes nothing
    /// that a later batch reads. Without it (a commit, whose reads must follow its writes in its
    /// transaction) <see cref="FinishBatchAsync"/> looks them up on the pass's connection.
    /// Framework-owned: importers implement the typed steps.
    /// </summary>
    Task<StartedBatch> StartBatchAsync(IReadOnlyList<SourceRow> rows, ImportRun run, IImporter? lookUpWith, CancellationToken cancellationToken);

    /// <summary>
    /// Plans (and when <paramref name="apply"/> is true, applies) a batch from
    /// <see cref="StartBatchAsync"/>; batches finish in the order they started.
    /// </summary>
    Task FinishBatchAsync(StartedBatch batch, ImportRun run, bool apply, CancellationToken cancellationToken);
}

/// <summary>A batch of rows whose checks run on the thread pool (<see cref="IImporter.StartBatchAsync"/>).</summary>
public sealed class StartedBatch(IReadOnlyList<SourceRow> rows, Task<Array> parsing, Task<object>? existing, Task<RecognisedRows>? recognising)
{
    public IReadOnlyList<SourceRow> Rows => rows;

    /// <summary>The rows' parse results, in row order; the importer knows their type.</summary>
    internal Task<Array> Parsing => parsing;

    /// <summary>The existing records of the batch's keys, when another instance looks them up; the importer knows their type.</summary>
    internal Task<object>? Existing => existing;

    /// <summary>The rows recognised as applied before and unchanged since (a dry-run's; see Importer.RowRulesVersion); the parse waits for it.</summary>
    internal Task<RecognisedRows>? Recognising => recognising;
}

/// <summary>Per row of a batch: its key read from the cells, and the existing record's fingerprint when the row is recognised (null otherwise).</summary>
public sealed record RecognisedRows(string?[] Keys, string?[] Fingerprints);

/// <summary>What recognising a row needs of the record an import applied it to (<see cref="ImportDigests"/>).</summary>
public readonly record struct AppliedRow(string Fingerprint, DateTimeOffset UpdatedAt, string? ImportDigest);

/// <param name="Name">Canonical name, as shown in docs and the failed-rows file.</param>
/// <param name="Aliases">Other header names accepted for the column (case-insensitive).</param>
public sealed record ImportColumn(string Name, bool Required, string Description, params string[] Aliases)
{
    public bool Matches(string header) =>
        string.Equals(header, Name, StringComparison.OrdinalIgnoreCase) || Aliases.Any(a => string.Equals(header, a, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One problem with a row: the column at fault (empty: the whole row) and why.</summary>
public sealed record RowProblem(string Field, string Reason);

/// <summary>What parsing a row gave: a typed candidate, or the problems that reject it.</summary>
public readonly record struct RowParse<TCandidate>(TCandidate? Candidate, IReadOnlyList<RowProblem> Problems)
    where TCandidate : class
{
    public static RowParse<TCandidate> Valid(TCandidate candidate) => new(candidate, []);

    public static RowParse<TCandidate> Rejected(IReadOnlyList<RowProblem> problems) => new(null, problems);
}

/// <summary>How a valid row compares with what exists.</summary>
/// <param name="Existing">
/// A fingerprint of the existing record's relevant state ("" when there is none). It goes into the
/// plan hash, so a change to that record between dry-run and commit changes the hash.
/// </param>
public readonly record struct RowChange(RowOutcomeKind Outcome, string Existing)
{
    /// <summary>Why a valid row cannot be applied to the existing record; only for <see cref="RowOutcomeKind.Rejected"/>.</summary>
    public IReadOnlyList<RowProblem> Problems { get; init; } = [];

    public static RowChange Reject(params RowProblem[] problems) => new(RowOutcomeKind.Rejected, "") { Problems = problems };
}

public enum RowOutcomeKind
{
    Created,
    Updated,
    Unchanged,
    Rejected,
}

/// <summary>A valid row that changes something, handed to <see cref="Importer{TCandidate, TExisting}.ApplyAsync"/>.</summary>
public sealed record PlannedChange<TCandidate, TExisting>(long RowNumber, string Key, TCandidate Candidate, TExisting? Existing, RowOutcomeKind Outcome);
