using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Identity;
using Pilotdeck.Server.Features.Cohorts;
using Pilotdeck.Server.Features.Imports.Framework;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Imports.Roster;

/// <summary>
/// A cohort's participants from a seed CSV (docs/imports.md, "roster"). The natural key is the
/// participant's email within the cohort, or the alias when there is no email. A new participant
/// takes an empty cell's value from the options (cohort, channel, locale, status, source), then
/// from the cohort's defaults; an existing one keeps its stored value for an empty cell, so a
/// partial file never erases data. Values are checked exactly as CreateParticipant checks them
/// (<see cref="ParticipantDraft"/>), and changes are made and receipted as the API makes them
/// (<see cref="ParticipantChanges"/>).
/// </summary>
public sealed class RosterImporter(PilotdeckDbContext db, ParticipantChanges changes, TimeProvider time) : Importer<RosterRow, ParticipantRecord>
{
    public const string CohortOption = "cohort";
    public const string ChannelOption = "channel";
    public const string LocaleOption = "locale";
    public const string StatusOption = "status";
    public const string SourceOption = "source";
    public const string DefaultSource = "import";

    // Cohorts by slug (null: none in this tenant), for the run; the pass clears EF's tracker per batch.
    // Read by the rows' parse while the next batch's cohorts are added (PrepareBatchAsync).
    private readonly ConcurrentDictionary<string, CohortRecord?> _cohorts = new(StringComparer.Ordinal);

    // Per cohort id: whether it had no participants when this pass first looked (see LoadByKeysAsync).
    private readonly Dictionary<string, bool> _emptyAtPassStart = new(StringComparer.Ordinal);
    private ImportRun? _pass;

    public override string Kind => "roster";

    public override string Description => "A cohort's participants (alias, email, phone, locale, status, source, channel, tags, consent); empty cells default from the options.";

    public override IReadOnlyList<ImportColumn> Columns { get; } =
    [
        new("email", false, "The key within the cohort when given.", "e-mail", "email_address", "mail"),
        new("alias", false, "A name or handle; the key when there is no email. A row needs an email or an alias.", "name", "nickname", "handle"),
        new("phone", false, "Any common notation; stored in E.164. Without +country it is read in the locale's region.", "phone_number", "mobile", "tel"),
        new("locale", false, "BCP 47, e.g. zh-CN. Empty: the locale option, else the cohort's default.", "language", "lang"),
        new("status", false, "invited, scheduled, active, completed or dropped; changes follow the lifecycle. Empty: the status option, else invited.", "state"),
        new("source", false, "Where the person came from, e.g. referral. Empty: the source option, else import.", "origin"),
        new("channel", false, "How to reach them, e.g. wechat, email. Empty: the channel option, else the cohort's default.", "contact_channel"),
        new("tags", false, "Separated by |, e.g. wechat|vip; replaces the stored tags when given.", "tag", "labels"),
        new("consent", false, "true/false, yes/no, y/n or 1/0; empty: not recorded (or unchanged).", "consented", "opt_in"),
        new("consent_method", false, "How consent was given, e.g. signed form.", "consent_how"),
        new("consent_at", false, "When consent was given: YYYY-MM-DD or an ISO 8601 time with offset. Empty: when imported.", "consent_date", "consent_time"),
        new("note", false, "The first outreach note of a new participant (not added again to an existing one).", "notes", "comment"),
        new("cohort", false, "The cohort's slug. Empty: the cohort option.", "cohort_slug"),
    ];

    public override IReadOnlyList<string> OptionNames => [CohortOption, ChannelOption, LocaleOption, StatusOption, SourceOption];

    public override string KeyColumn => "email";

    public override MemberRole MinimumRole => MemberRole.Facilitator;

    public override string ClientScope => "cohorts.write";

    public override IEnumerable<FieldViolation> ValidateOptions(IReadOnlyDictionary<string, string> options)
    {
        foreach (var violation in base.ValidateOptions(options))
        {
            yield return violation;
        }

        string? Error(string option) => option switch
        {
            LocaleOption => ParticipantFields.Locale(options[option]).Error,
            StatusOption => Lifecycles.ParseStatus(options[option]) is null ? $"must be one of {string.Join(", ", Lifecycles.Statuses)}" : null,
            ChannelOption => ParticipantFields.Word(options[option], "the channel", 32).Error,
            SourceOption => ParticipantFields.Word(options[option], "the source", 64).Error,
            _ => null,
        };

        foreach (var option in options.Keys.Where(OptionNames.Contains))
        {
            if (Error(option) is { } error)
            {
                yield return new FieldViolation($"options[{option}]", error);
            }
        }
    }

    public override async Task CheckOptionTargetsAsync(IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken)
    {
        if (options.TryGetValue(CohortOption, out var slug))
        {
            _cohorts[slug.Trim()] = await CohortLookup.FindAsync(db, slug, $"options[{CohortOption}]", tracked: false, cancellationToken);
        }
    }

    protected override async Task PrepareBatchAsync(IReadOnlyList<SourceRow> rows, ImportRun run, CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(run, _pass))
        {
            // A new pass asks again what is empty: CreateImport without dry_run plans and commits
            // with this one instance, and the commit must not trust what its dry-run found.
            _pass = run;
            _emptyAtPassStart.Clear();
        }

        await LoadCohortsAsync(rows.Where(r => r.Malformed is null).Select(r => SlugOf(r, run.Options)).OfType<string>(), cancellationToken);
    }

    /// <summary>Finds the cohorts of these slugs that this instance has not looked for yet.</summary>
    private async Task LoadCohortsAsync(IEnumerable<string> slugs, CancellationToken cancellationToken)
    {
        var missing = slugs.Where(s => !_cohorts.ContainsKey(s)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var found = await db.Cohorts.AsNoTracking().Where(c => missing.Contains(c.Slug)).ToDictionaryAsync(c => c.Slug, cancellationToken);
        foreach (var slug in missing)
        {
            _cohorts[slug] = found.GetValueOrDefault(slug);
        }
    }

    protected override RowParse<RosterRow> Parse(SourceRow row, IReadOnlyDictionary<string, string> options)
    {
        var problems = new List<RowProblem>();
        var slug = SlugOf(row, options);
        var cohort = slug is not null && _cohorts.TryGetValue(slug, out var found) ? found : null;
        if (slug is null)
        {
            problems.Add(new("cohort", "is required: a cohort column or the cohort option"));
        }
        else if (cohort is null)
        {
            problems.Add(new("cohort", "names no cohort of this tenant"));
        }

        return RosterRow.Read(row, options, cohort, problems);
    }

    protected override string NaturalKey(RosterRow candidate) => candidate.Cohort.Slug + "/" + candidate.AsNew.NaturalKey;

    // Raise when Parse, Classify or ApplyAsync, or RosterRow they call, changes what a row means (see the base class).
    protected override int RowRulesVersion => 1;

    protected override string? KeyOfCells(SourceRow row, IReadOnlyDictionary<string, string> options) =>
        SlugOf(row, options) is { } slug ? slug + "/" + ParticipantFields.NaturalKey(row["email"] ?? "", row["alias"] ?? "") : null;

    protected override Task<IReadOnlyDictionary<string, ParticipantRecord>> LoadExistingAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        LoadByKeysAsync(keys, (cohortId, naturalKeys) => db.ByNaturalKeys(cohortId, naturalKeys).AsNoTracking(), p => (p.NaturalKey, p), cancellationToken);

    // Four columns, not the whole record: most rows of a re-import are recognised by these alone.
    protected override Task<IReadOnlyDictionary<string, AppliedRow>> LoadAppliedAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        LoadByKeysAsync(keys, (cohortId, naturalKeys) => db.ByNaturalKeys(cohortId, naturalKeys).Select(p => new { p.NaturalKey, p.Id, p.UpdatedAt, p.ImportDigest }),
            p => (p.NaturalKey, new AppliedRow(FingerprintOf(p.Id, p.UpdatedAt), p.UpdatedAt, p.ImportDigest)), cancellationToken);

    /// <summary>
    /// Records by key ("slug/natural key") from <paramref name="query"/>, one query per cohort the
    /// keys name. A cohort this pass found empty is not asked (see below).
    /// </summary>
    private async Task<IReadOnlyDictionary<string, T>> LoadByKeysAsync<TRow, T>(IReadOnlyCollection<string> keys,
        Func<string, List<string>, IQueryable<TRow>> query, Func<TRow, (string NaturalKey, T Value)> read, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, T>(keys.Count, StringComparer.Ordinal);
        var byCohort = keys.GroupBy(k => k[..k.IndexOf('/')]).ToList();
        // Another instance's batches (a dry-run's lookups) name cohorts this one has not seen.
        await LoadCohortsAsync(byCohort.Select(g => g.Key), cancellationToken);
        foreach (var group in byCohort)
        {
            if (_cohorts[group.Key] is not { } cohort)
            {
                // Deleted since the batch was parsed (only a dry-run's lookups come this late).
                continue;
            }

            if (!_emptyAtPassStart.TryGetValue(cohort.Id, out var empty))
            {
                empty = !await db.Participants.AnyAsync(p => p.CohortId == cohort.Id, cancellationToken);
                _emptyAtPassStart[cohort.Id] = empty;
            }

            // A cohort this pass found empty (the first import into it) holds only what this pass
            // created since, and those keys cannot come again: a later row with the same key is
            // rejected as a duplicate before it is looked up. So there is nothing to look up.
            if (empty)
            {
                continue;
            }

            var naturalKeys = group.Select(k => k[(k.IndexOf('/') + 1)..]).ToList();
            foreach (var row in await query(cohort.Id, naturalKeys).ToListAsync(cancellationToken))
            {
                var (naturalKey, value) = read(row);
                found[cohort.Slug + "/" + naturalKey] = value;
            }
        }

        return found;
    }

    protected override RowChange Classify(RosterRow candidate, ParticipantRecord? existing)
    {
        if (existing is null)
        {
            return new RowChange(RowOutcomeKind.Created, "");
        }

        var (values, problems) = candidate.ResolveAgainst(existing);
        return values is null ? RowChange.Reject([.. problems])
            : new RowChange(RosterRow.Differs(values, existing) ? RowOutcomeKind.Updated : RowOutcomeKind.Unchanged, FingerprintOf(existing.Id, existing.UpdatedAt));
    }

    private static string FingerprintOf(string id, DateTimeOffset updatedAt) => id + "@" + updatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture);

    protected override Task ApplyAsync(IReadOnlyList<PlannedChange<RosterRow, ParticipantRecord>> planned, ImportRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // A new participant's records (row, first status, note, receipt) come from its row alone,
        // and building them (the receipt's hashes most of all) is most of a commit's own work: on
        // every core, while the database waits. Updates track entities, one at a time below. Ids
        // are taken in row order, so the new participants list in the file's order.
        var ids = OrderedIds.Reserve(now, planned.Count);
        var created = new List<object>?[planned.Count];
        Parallel.For(0, planned.Count, i =>
        {
            if (planned[i].Existing is null)
            {
                var row = planned[i].Candidate;
                var records = new List<object>(4);
                var participant = changes.Create(ids[i], row.Cohort, row.AsNew, row.Note, now, records);
                participant.ImportDigest = ImportDigests.Bind(DigestOf(row.Source, run), participant.UpdatedAt);
                changes.AddReceipt(ParticipantChanges.CreateAction, participant, row.Cohort.Slug, records);
                created[i] = records;
            }
        });

        for (var i = 0; i < planned.Count; i++)
        {
            if (created[i] is { } records)
            {
                run.NewRecords.AddRange(records);
                continue;
            }

            // Loaded untracked (most rows of a re-import change nothing); tracked from here, so
            // the update is checked against the UpdatedAt it was planned with.
            var (row, existing) = (planned[i].Candidate, planned[i].Existing!);
            db.Participants.Attach(existing);
            changes.Update(existing, row.ResolveAgainst(existing).Values!, "", now, run.NewRecords);
            existing.ImportDigest = ImportDigests.Bind(DigestOf(row.Source, run), existing.UpdatedAt);
            changes.AddReceipt(ParticipantChanges.UpdateAction, existing, row.Cohort.Slug, run.NewRecords);
        }

        return Task.CompletedTask;
    }

    private static string? SlugOf(SourceRow row, IReadOnlyDictionary<string, string> options) =>
        (row["cohort"] ?? options.GetValueOrDefault(CohortOption))?.Trim() is { Length: > 0 } slug ? slug : null;
}

