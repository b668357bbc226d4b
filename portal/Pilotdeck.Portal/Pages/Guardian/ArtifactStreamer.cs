using Microsoft.AspNetCore.Http;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Guardian.V1;

namespace Pilotdeck.Portal.Pages.Guardian;

/// <summary>
/// Sends uploaded artifacts to <c>AnalyzeProject</c> straight from the uploaded files' streams
/// (<see cref="PilotdeckUploads"/>), so a manifest of hundreds of megabytes never sits in the
/// portal's memory as a whole.
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

    /// <summary>A form without a manifest is sent without one: the API's field violation says what is missing.</summary>
    public static async Task<AnalyzeProjectResponse> UploadAsync(
        GuardianService.GuardianServiceClient client, AnalyzeProjectMetadata metadata, IFormFile? manifest, IFormFile? catalog, CancellationToken cancellationToken)
    {
        await using var manifestContent = manifest?.OpenReadStream() ?? Stream.Null;
        await using var catalogContent = catalog?.OpenReadStream();
        return await client.AnalyzeProjectAsync(metadata, manifestContent, catalogContent, deadline: DateTime.UtcNow + Deadline, cancellationToken: cancellationToken);
    }
}
