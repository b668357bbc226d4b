namespace Pilotdeck.Guardian.Artifacts;

/// <summary>Reads <c>manifest.json</c> (schema v1–v12 and dbt 2.0/Fusion) and optionally <c>catalog.json</c> into a <see cref="DbtProject"/>.</summary>
public static class ManifestReader
{
    /// <summary>The newest manifest schema version whose layout Guardian was checked against.</summary>
    public const int NewestKnownSchemaVersion = 12;

    /// <summary>Reads the artifacts. Unknown fields are ignored; a newer schema loads with a warning.</summary>
    /// <param name="manifest">A readable <c>manifest.json</c> stream; read forward once.</param>
    /// <param name="catalog">An optional <c>catalog.json</c> stream adding warehouse columns and types.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ArtifactFormatException">A file is not JSON, is truncated, or is not a dbt artifact.</exception>
    public static Task<DbtProject> ReadAsync(Stream manifest, Stream? catalog, CancellationToken cancellationToken = default) =>
        ReadAsync(manifest, catalog, ReadLimits.None, cancellationToken);

    /// <summary>Reads the artifacts, stopping as soon as they hold more than <paramref name="limits"/> allow.</summary>
    /// <exception cref="ArtifactBudgetExceededException">The manifest or catalog exceeds a limit.</exception>
    /// <inheritdoc cref="ReadAsync(Stream, Stream?, CancellationToken)" path="/param"/>
    public static async Task<DbtProject> ReadAsync(Stream manifest, Stream? catalog, ReadLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(limits);
        var budget = new ReadBudget(limits);
        var sink = new ManifestSink(budget);
        await JsonSectionStreamer.ReadAsync(manifest, sink, "manifest.json", cancellationToken).ConfigureAwait(false);
        if (sink.SchemaUrl?.Contains("/manifest/", StringComparison.Ordinal) == false && sink.SchemaUrl.Contains("/dbt/", StringComparison.Ordinal))
        {
            throw new ArtifactFormatException("manifest.json",
                $"The file given as manifest.json is a different dbt artifact ({sink.SchemaUrl}); pass target/manifest.json, which `dbt parse` writes. A catalog.json goes beside it.");
        }
        if (!sink.SawNodes)
        {
            throw new ArtifactFormatException("manifest.json",
                "manifest.json has no \"nodes\" section, so it is not a dbt manifest. Expected the target/manifest.json written by `dbt parse`, `dbt compile` or `dbt build`.");
        }

        CatalogSink? catalogSink = null;
        if (catalog is not null)
        {
            catalogSink = new CatalogSink(budget);
            await JsonSectionStreamer.ReadAsync(catalog, catalogSink, "catalog.json", cancellationToken).ConfigureAwait(false);
        }
        return ProjectAssembler.Build(sink, catalogSink);
    }
}
