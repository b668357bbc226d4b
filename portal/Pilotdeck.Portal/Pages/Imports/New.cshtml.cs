using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Imports;

/// <summary>
/// The import wizard's first step: choose the kind and upload the CSV (streamed to UploadImport,
/// which plans it); the plan and the commit are on the import's page. At /imports/new because
/// POST /imports is the API's JSON route.
/// </summary>
[RequestSizeLimit(MaxFormBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxFormBytes)]
public sealed class NewModel : PortalPageModel
{
    /// <summary>The server's default upload limit (256 MiB) plus the form's fields; a lower server limit answers UPLOAD_TOO_LARGE, shown here.</summary>
    private const long MaxFormBytes = 257L * 1024 * 1024;

    internal static readonly FieldMap Fields = new FieldMap()
        .Add("metadata.kind", "Kind", "Kind")
        .Add("source", "Upload", "CSV file")
        .Add("header", "Upload", "CSV file");

    /// <summary>Also read from the query, so a page can open the wizard with its importer chosen (the roster's "Import participants").</summary>
    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    /// <summary>Importer options, one <c>key=value</c> per line; also read from the query to prefill them.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Options { get; set; }

    public IReadOnlyList<Importer> Importers { get; private set; } = [];

    public async Task OnGetAsync()
    {
        try
        {
            Importers = (await Api.Imports.ListImportersAsync(new ListImportersRequest(), cancellationToken: Aborted)).Importers;
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Upload is null || Upload.Length == 0)
        {
            ModelState.AddModelError(nameof(Upload), "Choose a CSV file.");
            await OnGetAsync();
            return Page();
        }

        try
        {
            var metadata = new UploadImportMetadata { Kind = Kind ?? "", SourceFileName = Path.GetFileName(Upload.FileName) };
            foreach (var line in (Options ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var cut = line.IndexOf('=');
                metadata.Options[cut > 0 ? line[..cut].Trim() : line] = cut > 0 ? line[(cut + 1)..].Trim() : "";
            }

            await using var file = Upload.OpenReadStream();
            var import = await Api.Imports.UploadImportAsync(metadata, file, deadline: DateTime.UtcNow.AddMinutes(10), cancellationToken: Aborted);
            return RedirectToPage("/Imports/Detail", new { importId = import.ImportId });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await OnGetAsync();
            ShowProblem(ex, Fields);
            return Page();
        }
    }
}
