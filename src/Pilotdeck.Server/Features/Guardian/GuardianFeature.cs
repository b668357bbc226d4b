namespace Pilotdeck.Server.Features.Guardian;

/// <summary>Server-side limits of the Guardian API, from <c>Pilotdeck:Guardian</c>.</summary>
public sealed class GuardianServerOptions
{
    public const string Section = "Pilotdeck:Guardian";

    /// <summary>Largest sum of manifest and catalog bytes one upload may send. Default 512 MiB.</summary>
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Where uploads are spooled while they are analyzed. Default: the system temp directory.</summary>
    public string? TempDirectory { get; set; }

    /// <summary>
    /// Longest wait for the next message of an upload. A client that stops sending without
    /// half-closing would otherwise hold its spool files and a request slot until the connection
    /// dies; the call fails with UPLOAD_STALLED instead, and only that stream is reset. Default 30 s;
    /// zero or less turns the limit off.
    /// </summary>
    public TimeSpan UploadIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most manifest nodes (<c>nodes</c>, <c>sources</c>, <c>unit_tests</c> entries) one analysis
    /// reads; beyond it the upload fails with PROJECT_TOO_LARGE. The largest real projects hold
    /// tens of thousands; each node costs about 1 KB while analysed. Default 200,000.
    /// </summary>
    public int MaxNodes { get; set; } = 200_000;

    /// <summary>Most columns (declared in the manifest plus listed in the catalog) one analysis reads. Default 2,000,000.</summary>
    public int MaxColumns { get; set; } = 2_000_000;

    /// <summary>
    /// After an analysis of at least this many uploaded bytes (or one that failed its budget), the
    /// host runs an aggressive full garbage collection so the heap the project took is returned to
    /// the operating system rather than kept committed. Default 32 MiB; 0 after every analysis,
    /// a negative value never.
    /// </summary>
    public long ReleaseMemoryAfterBytes { get; set; } = 32L * 1024 * 1024;
}

public static class GuardianFeature
{
    public static IServiceCollection AddGuardianFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<GuardianServerOptions>(configuration.GetSection(GuardianServerOptions.Section));
        services.AddScoped<GuardianAnalyses>();
        // Analyses with every gap and resource run to megabytes of repetitive text: compress the
        // responses of this service (only) for clients that accept gzip, as grpc-dotnet's clients do.
        services.AddGrpc().AddServiceOptions<GuardianService>(grpc =>
        {
            grpc.ResponseCompressionAlgorithm = "gzip";
            grpc.ResponseCompressionLevel = global::System.IO.Compression.CompressionLevel.Fastest;
        });
        return services;
    }
}
