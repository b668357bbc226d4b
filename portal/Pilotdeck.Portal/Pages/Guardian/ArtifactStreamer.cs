using Microsoft.AspNetCore.Http;
using Pilotdeck.Contracts.Guardian.V1;
using Grpc.Core;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Guardian;

/// <summary>
/// Sends uploaded artifacts to <c>AnalyzeProject</c> as the contract asks: metadata first, then
/// chunks of at most 1 MiB read straight from the uploaded file's stream, so a manifest of
/// hundreds of megabytes never sits in the portal's memory as a whole.
/// </summary>
internal static class ArtifactStreamer
{
    /// <summary>
    /// The server's default <c>Pilotdeck:Guardian:MaxUploadBytes</c> (512 MiB). The form limits are
    /// attributes and so need a constant; a server configured lower still answers UPLOAD_TOO_LARGE,
    /// which the page shows.
    /// </summary>
    public const long MaxUploadBytes = 512L * 1024 * 1024;

    /// <summary>The two files plus the form's text fields and multipart boundaries.</summary>
    public const long MaxFormBytes = MaxUploadBytes + 1024 * 1024;

    /// <summary>
    /// The portal's usual deadline is for page-sized calls; uploading and analysing hundreds of
    /// megabytes takes minutes, and the browser's own request is still waiting for it.
    /// </summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    public static async Task<AnalyzeProjectResponse> UploadAsync(
        GuardianService.GuardianServiceClient client, AnalyzeProjectMetadata metadata, IFormFile? manifest, IFormFile? catalog, CancellationToken cancellationToken)
    {
        using var call = client.AnalyzeProject(deadline: DateTime.UtcNow + Deadline, cancellationToken: cancellationToken);
        return await ChunkedUpload.RunAsync(call, (requests, token) => SendAllAsync(requests, metadata, manifest, catalog, token), cancellationToken);
    }

    private static async Task SendAllAsync(
        IClientStreamWriter<AnalyzeProjectRequest> requests, AnalyzeProjectMetadata metadata, IFormFile? manifest, IFormFile? catalog, CancellationToken cancellationToken)
    {
        await requests.WriteAsync(new AnalyzeProjectRequest { Metadata = metadata }, cancellationToken);
        if (manifest is not null)
        {
            await ChunkedUpload.SendFileAsync(requests, manifest, chunk => new AnalyzeProjectRequest { ManifestChunk = chunk }, cancellationToken);
        }

        if (catalog is not null)
        {
            await ChunkedUpload.SendFileAsync(requests, catalog, chunk => new AnalyzeProjectRequest { CatalogChunk = chunk }, cancellationToken);
        }

        await requests.CompleteAsync();
    }
}
