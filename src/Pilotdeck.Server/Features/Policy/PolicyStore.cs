using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Policy;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Server.Features.Policy;

/// <summary>A bundle version as stored, with its parsed rules.</summary>
public sealed record PolicyVersionInForce(int Version, string Author, PolicyBundle Bundle);

/// <summary>
/// The tenant's bundle versions. Until a tenant applies its own, the seeded default is in force as
/// version 1; applying the first bundle stores that default as version 1 and the new one as 2, so
/// the history always starts with what the tenant had.
/// </summary>
public sealed class PolicyStore(PilotdeckDbContext db, PolicyBundleCache cache, ITenantContext tenant, TimeProvider time)
{
    public const string DefaultAuthor = "system:default";

    public static readonly string DefaultText = ReadDefault();

    public async Task<PolicyVersionInForce> CurrentAsync(CancellationToken cancellationToken)
    {
        // Every governed call asks: read the hash, and the text (up to 256 KiB) only when no scope parsed it yet.
        var latest = await db.PolicyBundles.AsNoTracking().OrderByDescending(b => b.Version)
            .Select(b => new { b.Version, b.Author, b.Sha256 }).FirstOrDefaultAsync(cancellationToken);
        if (latest is null)
        {
            return new PolicyVersionInForce(1, DefaultAuthor, cache.Get(DefaultText));
        }

        var bundle = cache.Find(latest.Sha256)
            ?? cache.Get(await db.PolicyBundles.AsNoTracking().Where(b => b.Version == latest.Version).Select(b => b.Text).SingleAsync(cancellationToken));
        return new PolicyVersionInForce(latest.Version, latest.Author, bundle);
    }

    /// <summary>A stored version, or the seeded default as version 1 before any was stored; null if there is none.</summary>
    public async Task<PolicyBundleRecord?> FindAsync(int version, CancellationToken cancellationToken) =>
        await db.PolicyBundles.AsNoTracking().SingleOrDefaultAsync(b => b.Version == version, cancellationToken)
        ?? (version == 1 && !await db.PolicyBundles.AnyAsync(cancellationToken) ? await DefaultRecordAsync(cancellationToken) : null);

    /// <summary>Every version, newest first (the default alone until the tenant applies one).</summary>
    public IQueryable<PolicyBundleRecord> Versions() => db.PolicyBundles.AsNoTracking().OrderByDescending(b => b.Version);

    /// <summary>Adds <paramref name="bundle"/> as the next version; the caller saves, in the change's transaction.</summary>
    public async Task<PolicyBundleRecord> AddAsync(PolicyBundle bundle, string author, CancellationToken cancellationToken)
    {
        var current = await db.PolicyBundles.MaxAsync(b => (int?)b.Version, cancellationToken);
        if (current is null)
        {
            db.PolicyBundles.Add(await DefaultRecordAsync(cancellationToken));
        }

        var record = new PolicyBundleRecord
        {
            Version = (current ?? 1) + 1,
            Text = bundle.Text,
            Sha256 = bundle.Sha256,
            Author = author,
            RuleCount = bundle.Rules.Count,
            CreatedAt = time.GetUtcNow(),
        };
        db.PolicyBundles.Add(record);
        return record;
    }

    // The default has been in force since the tenant was created: that is when it was "applied".
    private async Task<PolicyBundleRecord> DefaultRecordAsync(CancellationToken cancellationToken)
    {
        var bundle = cache.Get(DefaultText);
        return new PolicyBundleRecord
        {
            Version = 1,
            Text = bundle.Text,
            Sha256 = bundle.Sha256,
            Author = DefaultAuthor,
            RuleCount = bundle.Rules.Count,
            CreatedAt = await db.Tenants.Where(t => t.Id == tenant.TenantId).Select(t => t.CreatedAt).SingleAsync(cancellationToken),
        };
    }

    private static string ReadDefault()
    {
        using var stream = typeof(PolicyStore).Assembly.GetManifestResourceStream("Pilotdeck.Server.Features.Policy.DefaultBundle.yaml")
            ?? throw new InvalidOperationException("The default policy bundle is not embedded.");
        return PolicyBundle.Normalise(new StreamReader(stream).ReadToEnd());
    }
}

/// <summary>
/// Parsed bundles by hash, shared by every scope: a bundle is parsed and its conditions compiled
/// once, not on every governed call. Stored bundles always validated, so a parse failure here is a bug.
/// </summary>
public sealed class PolicyBundleCache
{
    private const int Capacity = 1000;
    private readonly ConcurrentDictionary<string, PolicyBundle> _bundles = new();

    /// <summary>The parsed bundle with this SHA-256, if one was parsed.</summary>
    public PolicyBundle? Find(string sha256) => _bundles.GetValueOrDefault(sha256);

    public PolicyBundle Get(string text)
    {
        var key = PolicyBundle.HashOf(text);
        if (_bundles.TryGetValue(key, out var bundle))
        {
            return bundle;
        }

        var (parsed, problems) = PolicyBundle.Parse(text);
        if (parsed is null)
        {
            throw new InvalidOperationException("A stored policy bundle no longer validates: " + string.Join("; ", problems.Select(p => $"line {p.Line}: {p.Message}")));
        }

        if (_bundles.Count >= Capacity)
        {
            _bundles.Clear();
        }

        return _bundles.GetOrAdd(key, parsed);
    }
}
