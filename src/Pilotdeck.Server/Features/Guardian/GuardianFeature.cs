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
