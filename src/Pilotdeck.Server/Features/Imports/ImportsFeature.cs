using Pilotdeck.Server.Features.Imports.Framework;
using Pilotdeck.Server.Features.Imports.Identities;
using Pilotdeck.Server.Features.Imports.Manifest;
using Pilotdeck.Server.Features.Imports.Roster;

namespace Pilotdeck.Server.Features.Imports;

/// <summary>Limits of imports, from <c>Pilotdeck:Imports</c> (docs/imports.md, "Limits").</summary>
public sealed class ImportOptions
{
    public const string Section = "Pilotdeck:Imports";

    /// <summary>Largest file UploadImport accepts. Default 256 MiB.</summary>
    public long MaxUploadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Largest file CreateImport (and POST /imports) takes inline. Default 4 MiB (the gRPC message limit).</summary>
    public long MaxInlineBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>Files larger than this are planned, and committed, by a background job. Default 2 MiB.</summary>
    public long JobThresholdBytes { get; set; } = 2L * 1024 * 1024;

    /// <summary>Plans with more rows than this are committed by a background job. Default 20,000.</summary>
    public long JobThresholdRows { get; set; } = 20_000;

    /// <summary>Rows read, looked up and applied together. Default 1,000.</summary>
    public int BatchSize { get; set; } = 1_000;

    /// <summary>Where uploads are spooled before they are stored. Default: the system temp directory.</summary>
    public string? TempDirectory { get; set; }

    /// <summary>
    /// For crash tests only: after this many applied batches inside a commit's open transaction the
    /// process ends at once (as a power cut would). 0, the default, never.
    /// </summary>
    public int CrashAfterAppliedBatches { get; set; }
}

public static class ImportsFeature
{
    public static IServiceCollection AddImportsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ImportOptions>(configuration.GetSection(ImportOptions.Section));
        services.AddSingleton<ImportProgressBoard>();
        services.AddScoped<ImporterCatalog>();
        services.AddScoped<ImportEngine>();
        services.AddScoped<ImportJobs>();
        services.AddScoped<InstallationKeys>();
        services.AddScoped<ImportReports>();
        services.AddScoped<ImportCommands>();
        services.AddImporter<IdentitiesImporter>();
        services.AddImporter<RosterImporter>();
        return services;
    }

    /// <summary>Registers an importer: scoped, so each run gets one in its tenant's scope.</summary>
    public static IServiceCollection AddImporter<T>(this IServiceCollection services)
        where T : class, IImporter
    {
        services.AddScoped<T>();
        services.AddScoped<IImporter>(sp => sp.GetRequiredService<T>());
        return services;
    }
}
