using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>The importers registered in this host, by kind.</summary>
public sealed class ImporterCatalog(IEnumerable<IImporter> importers)
{
    public IReadOnlyList<IImporter> All { get; } = [.. importers.OrderBy(i => i.Kind, StringComparer.Ordinal)];

    /// <summary>The importer of <paramref name="kind"/>; INVALID_ARGUMENT / IMPORTER_UNKNOWN when there is none.</summary>
    public IImporter Get(string kind, string field = "kind") =>
        All.FirstOrDefault(i => string.Equals(i.Kind, kind, StringComparison.OrdinalIgnoreCase))
        ?? throw ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.ImporterUnknown,
            $"No importer of kind '{(kind.Length > 64 ? kind[..64] + "…" : kind)}'; known: {string.Join(", ", All.Select(i => i.Kind))}.",
            new Dictionary<string, string> { ["kinds"] = string.Join(",", All.Select(i => i.Kind)) },
            [new FieldViolation(field, "must be one of " + string.Join(", ", All.Select(i => i.Kind)))]);
}
