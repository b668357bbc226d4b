using Pilotdeck.Data.Identity;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>
/// The base of every importer. A subclass says how one row becomes a typed candidate, what its
/// natural key is, how to load existing records by key (one batch at a time), how a candidate
/// compares with what exists, and how to apply the changed rows; this class strings those steps
/// together for a batch the same way for a dry-run and a commit, so both see the same plan.
/// Registered scoped: one instance per import run, in the run's tenant scope.
/// </summary>
public abstract class Importer<TCandidate, TExisting> : IImporter
    where TCandidate : class
    where TExisting : class
{
    // This instance's lookups for another's batches (see InTurn), one after another.
    private readonly Lock _lookupsLock = new();
    private Task _lookups = Task.CompletedTask;

    public abstract string Kind { get; }

    public abstract string Description { get; }

    public abstract IReadOnlyList<ImportColumn> Columns { get; }

    public virtual IReadOnlyList<string> OptionNames => [];

    public abstract string KeyColumn { get; }

    public abstract MemberRole MinimumRole { get; }

    public abstract string ClientScope { get; }

    public virtual IEnumerable<FieldViolation> ValidateOptions(IReadOnlyDictionary<string, string> options) =>
        options.Keys.Where(k => !OptionNames.Contains(k, StringComparer.Ordinal))
            .Select(k => new FieldViolation($"options[{k}]", $"is not an option of the {Kind} importer (known: {(OptionNames.Count == 0 ? "none" : string.Join(", ", OptionNames))})"));

    public virtual Task CheckOptionTargetsAsync(IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Loads what this batch's rows refer to (e.g. the cohorts they name) before they are parsed;
    /// called before every batch, in the pass's scope. The previous batch's rows may still be being
    /// parsed meanwhile: add to what earlier batches loaded (in a map safe for concurrent reads),
    /// never change or remove it.
    /// </summary>
    protected virtual Task PrepareBatchAsync(IReadOnlyList<SourceRow> rows, ImportRun run, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Reads and validates one row; <paramref name="options"/> supply defaults for missing values.
    /// Rows of a batch are parsed on several threads at once, while the previous batch is applied:
    /// change no shared state here, and read only what <see cref="PrepareBatchAsync"/> loaded.
    /// </summary>
    protected abstract RowParse<TCandidate> Parse(SourceRow row, IReadOnlyDictionary<string, string> options);

    /// <summary>The natural key, normalised (e.g. upper-case email) so equal keys compare equal.</summary>
    protected abstract string NaturalKey(TCandidate candidate);

    /// <summary>The existing records of these keys (at most one batch), by key.</summary>
    protected abstract Task<IReadOnlyDictionary<string, TExisting>> LoadExistingAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>
    /// The version of the rules by which this importer reads, compares and applies a row, when it
    /// recognises rows it applied before (docs/adr/0029-rows-recognised-by-their-digest.md); 0 when
    /// it does not. Raise it whenever Parse, Classify or ApplyAsync changes what a row means, so that
    /// digests stored under the older rules stop matching.
    /// </summary>
    protected virtual int RowRulesVersion => 0;

    /// <summary>With <see cref="RowRulesVersion"/>: the key a row has if it is valid, read from its cells without checking them; null when it names none.</summary>
    protected virtual string? KeyOfCells(SourceRow row, IReadOnlyDictionary<string, string> options) => null;

    /// <summary>
    /// With <see cref="RowRulesVersion"/>: for these keys (at most one batch), only what recognising
    /// a row needs — the record's fingerprint (as <see cref="Classify"/> gives it), when it last
    /// changed, and the digest an import stored on it.
    /// </summary>
    protected virtual Task<IReadOnlyDictionary<string, AppliedRow>> LoadAppliedAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The {Kind} importer recognises no rows it applied before.");

    /// <summary>The digest of a row as this importer, with this import's options, reads it; what ApplyAsync binds to the records it writes.</summary>
    protected UInt128 DigestOf(SourceRow row, ImportRun run) =>
        ImportDigests.OfRow(row, run.RowDigestHeader ??= ImportDigests.Header(Kind, RowRulesVersion, run.Import.OptionsJson));

    /// <summary>
    /// How the candidate compares with the existing record; <see cref="RowChange.Reject"/> when the
    /// change is not allowed (e.g. a lifecycle). Like <see cref="Parse"/>, runs on several threads at once.
    /// </summary>
    protected abstract RowChange Classify(TCandidate candidate, TExisting? existing);

    /// <summary>
    /// Applies created and updated rows inside the commit's transaction, adding each record's
    /// receipt through <see cref="ImportRun.Receipts"/>; the framework saves and commits.
    /// </summary>
    protected abstract Task ApplyAsync(IReadOnlyList<PlannedChange<TCandidate, TExisting>> changes, ImportRun run, CancellationToken cancellationToken);

    public async Task<StartedBatch> StartBatchAsync(IReadOnlyList<SourceRow> rows, ImportRun run, IImporter? lookUpWith, CancellationToken cancellationToken)
    {
        await PrepareBatchAsync(rows, run, cancellationToken);
        var lane = (Importer<TCandidate, TExisting>?)lookUpWith;
        // A dry-run first recognises, on its lane, the rows applied before and unchanged since; it
        // checks only the others. (A commit checks every row: what it applies is never taken on trust.)
        var recognising = lane is not null && RowRulesVersion > 0 ? Recognise(rows, run, lane, cancellationToken) : null;
        // Checking the cells is most of a row's cost and each row's own: on every core, while the
        // pass finishes the previous batch. Everything that depends on other rows or on order
        // (duplicates, the plan, the hash) waits for FinishBatchAsync, in file order.
        var parsing = Task.Run<Array>(async () =>
        {
            var recognised = recognising is null ? null : await recognising;
            var parses = new RowParse<TCandidate>[rows.Count];
            Parallel.For(0, rows.Count, i => parses[i] = rows[i].Malformed is null && recognised?.Fingerprints[i] is null ? Parse(rows[i], run.Options) : default);
            return parses;
        }, cancellationToken);
        var existing = lane?.LookUpInTurn(rows, parsing, cancellationToken);
        return new StartedBatch(rows, parsing, existing, recognising);
    }

    public async Task FinishBatchAsync(StartedBatch batch, ImportRun run, bool apply, CancellationToken cancellationToken)
    {
        var rows = batch.Rows;
        var parses = (RowParse<TCandidate>[])await batch.Parsing;
        var recognised = batch.Recognising is { } recognising ? await recognising : null;
        var valid = new List<(SourceRow Row, TCandidate Candidate, string Key)>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Malformed is { } malformed)
            {
                run.Reject(row.RowNumber, "", new RowProblem("", malformed));
                continue;
            }

            if (recognised?.Fingerprints[i] is { } fingerprint)
            {
                // Applied before from these very cells and unchanged since: unchanged again (ADR 0029).
                var recognisedKey = recognised.Keys[i]!;
                if (run.FirstRowOf(recognisedKey, row.RowNumber) is { } earlier)
                {
                    run.Reject(row.RowNumber, recognisedKey, new RowProblem(KeyColumn, $"duplicate of row {earlier} in this file"));
                }
                else
                {
                    run.Record(row.RowNumber, recognisedKey, new RowChange(RowOutcomeKind.Unchanged, fingerprint));
                }

                continue;
            }

            var parsed = parses[i];
            if (parsed.Candidate is null)
            {
                run.Reject(row.RowNumber, "", [.. parsed.Problems]);
                continue;
            }

            var key = NaturalKey(parsed.Candidate);
            if (run.FirstRowOf(key, row.RowNumber) is { } first)
            {
                run.Reject(row.RowNumber, key, new RowProblem(KeyColumn, $"duplicate of row {first} in this file"));
                continue;
            }

            valid.Add((row, parsed.Candidate, key));
        }

        var existing = batch.Existing is { } lookingUp ? (IReadOnlyDictionary<string, TExisting>)await lookingUp
            : valid.Count == 0 ? new Dictionary<string, TExisting>() : await LoadExistingAsync(valid.Select(v => v.Key).ToList(), cancellationToken);
        var classified = new RowChange[valid.Count];
        Parallel.For(0, valid.Count, i => classified[i] = Classify(valid[i].Candidate, existing.GetValueOrDefault(valid[i].Key)));
        var changes = new List<PlannedChange<TCandidate, TExisting>>();
        for (var i = 0; i < valid.Count; i++)
        {
            var (row, candidate, key) = valid[i];
            var before = existing.GetValueOrDefault(key);
            var change = classified[i];
            if (change.Outcome == RowOutcomeKind.Rejected)
            {
                run.Reject(row.RowNumber, key, [.. change.Problems]);
                continue;
            }

            run.Record(row.RowNumber, key, change);
            if (change.Outcome is RowOutcomeKind.Created or RowOutcomeKind.Updated)
            {
                changes.Add(new PlannedChange<TCandidate, TExisting>(row.RowNumber, key, candidate, before, change.Outcome));
            }
        }

        if (apply && changes.Count > 0)
        {
            await ApplyAsync(changes, run, cancellationToken);
        }
    }

    /// <summary>
    /// Looks up the existing records of a batch another instance parses, on this instance's
    /// connection, as soon as its rows are parsed and this instance's previous lookup has ended.
    /// Every valid row's key is looked up, a duplicate's too (FinishBatchAsync rejects it).
    /// </summary>
    private Task<object> LookUpInTurn(IReadOnlyList<SourceRow> rows, Task<Array> parsing, CancellationToken cancellationToken) =>
        InTurn<object>(async () =>
        {
            var parses = (RowParse<TCandidate>[])await parsing;
            var keys = new HashSet<string>(rows.Count, StringComparer.Ordinal);
            for (var i = 0; i < rows.Count; i++)
            {
                if (rows[i].Malformed is null && parses[i].Candidate is { } candidate)
                {
                    keys.Add(NaturalKey(candidate));
                }
            }

            return keys.Count == 0 ? new Dictionary<string, TExisting>() : await LoadExistingAsync(keys, cancellationToken);
        });

    /// <summary>
    /// Runs <paramref name="lookUp"/> on this instance's connection once its previous lookup has
    /// ended: lookups join the queue in the order they are asked for, and wait there for what they
    /// need (a batch's parse) before they start.
    /// </summary>
    private Task<T> InTurn<T>(Func<Task<T>> lookUp)
    {
        lock (_lookupsLock)
        {
            var turn = AfterAsync(_lookups);
            _lookups = turn;
            return turn;
        }

        async Task<T> AfterAsync(Task previous)
        {
            // A failed lookup fails its own batch, and with it the pass; this one need not fail too.
            await Task.WhenAny(previous);
            return await lookUp();
        }
    }

    /// <summary>
    /// The rows of a batch that an import applied before from the same cells and options, and
    /// that nothing changed since (the digest stored on the record still binds to its update time):
    /// their keys and fingerprints, looked up on <paramref name="lane"/>'s connection. Joins the
    /// lane's queue at once, ahead of the batch's own lookup, which waits for it through the parse.
    /// </summary>
    private Task<RecognisedRows> Recognise(IReadOnlyList<SourceRow> rows, ImportRun run, Importer<TCandidate, TExisting> lane, CancellationToken cancellationToken)
    {
        var keys = new string?[rows.Count];
        var reading = Task.Run(() =>
        {
            for (var i = 0; i < rows.Count; i++)
            {
                keys[i] = rows[i].Malformed is null ? KeyOfCells(rows[i], run.Options) : null;
            }
        }, cancellationToken);
        var applied = lane.InTurn(async () =>
        {
            await reading;
            var distinct = new HashSet<string>(keys.Length, StringComparer.Ordinal);
            distinct.UnionWith(keys.OfType<string>());
            return distinct.Count == 0 ? new Dictionary<string, AppliedRow>() : await lane.LoadAppliedAsync(distinct, cancellationToken);
        });
        return MatchAsync();

        async Task<RecognisedRows> MatchAsync()
        {
            var found = await applied;
            var fingerprints = new string?[rows.Count];
            if (found.Count > 0)
            {
                // Only rows whose record carries a digest are hashed: a first import hashes none.
                await Task.Run(() => Parallel.For(0, rows.Count, i =>
                {
                    if (keys[i] is { } key && found.TryGetValue(key, out var record) && record.ImportDigest is { } stored
                        && stored == ImportDigests.Bind(DigestOf(rows[i], run), record.UpdatedAt))
                    {
                        fingerprints[i] = record.Fingerprint;
                    }
                }), cancellationToken);
            }

            return new RecognisedRows(keys, fingerprints);
        }
    }
}
