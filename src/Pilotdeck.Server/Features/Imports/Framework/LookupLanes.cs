using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>
/// Instances of a dry-run's importer, each in a tenant scope and on a connection of its own, that
/// look up existing records while the pass goes on (<see cref="IImporter.StartBatchAsync"/>). In a
/// re-import, where every row exists, the lookups were two thirds of a dry-run when the pass made
/// them itself, one batch after another, between planning batches. Batches take the lanes in
/// turn; each lane looks up one batch at a time, so at most one batch per lane is held in memory.
/// </summary>
internal sealed class LookupLanes : IAsyncDisposable
{
    private const int Lanes = 2;
    private readonly List<AsyncServiceScope> _scopes = [];
    private readonly List<IImporter> _importers = [];
    private int _next;

    public LookupLanes(IServiceScopeFactory scopes, string tenantId, string kind)
    {
        for (var i = 0; i < Lanes; i++)
        {
            var scope = scopes.CreateTenantScope(tenantId);
            _scopes.Add(scope);
            _importers.Add(scope.ServiceProvider.GetRequiredService<ImporterCatalog>().Get(kind));
        }
    }

    /// <summary>The instance that looks up the next batch.</summary>
    public IImporter Next() => _importers[_next++ % Lanes];

    public async ValueTask DisposeAsync()
    {
        foreach (var scope in _scopes)
        {
            await scope.DisposeAsync();
        }
    }
}
