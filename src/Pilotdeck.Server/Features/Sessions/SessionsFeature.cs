using Pilotdeck.Data;
using Pilotdeck.Server.Platform.Blobs;

namespace Pilotdeck.Server.Features.Sessions;

/// <summary>Where attachments are kept and how large they may be, from <c>Pilotdeck:Attachments</c> (docs/sessions.md).</summary>
public sealed class AttachmentOptions
{
    public const string Section = "Pilotdeck:Attachments";

    /// <summary>The filesystem blob store's root. Default: <c>blobs</c> in the data directory.</summary>
    public string? BlobRoot { get; set; }

    /// <summary>Largest attachment UploadAttachment accepts. Default 200 MiB.</summary>
    public long MaxUploadBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Longest wait for the next message of an upload before it fails with UPLOAD_STALLED. Default 30 s; zero or less: no limit.</summary>
    public TimeSpan UploadIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public static class SessionsFeature
{
    public static IServiceCollection AddSessionsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(AttachmentOptions.Section);
        services.Configure<AttachmentOptions>(section);
        var root = section.Get<AttachmentOptions>()?.BlobRoot ?? Path.Combine(DatabaseOptions.From(configuration).DataDirectory, "blobs");
        services.AddSingleton<IBlobStore>(new FileSystemBlobStore(root));
        return services;
    }
}
