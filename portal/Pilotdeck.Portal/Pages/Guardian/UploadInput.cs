using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http;

namespace Pilotdeck.Portal.Pages.Guardian;

/// <summary>What the upload form posts; the API validates it and its violations appear by each field.</summary>
public sealed class UploadInput
{
    /// <summary>target/manifest.json. Left to the API to require, so the message is the API's (MANIFEST_MISSING).</summary>
    [Display(Name = "manifest.json")]
    public IFormFile? Manifest { get; set; }

    [Display(Name = "catalog.json")]
    public IFormFile? Catalog { get; set; }

    /// <summary>Empty means the manifest's own project name.</summary>
    [Display(Name = "Project name")]
    public string? ProjectName { get; set; }

    /// <summary>Lowest priority of gaps to keep; 5 keeps every gap, as the API does by default.</summary>
    [Display(Name = "Keep gaps up to priority")]
    public int PriorityThreshold { get; set; } = 5;

    /// <summary>Issued with the form, so a double submit analyses and stores the upload once.</summary>
    public string RequestId { get; set; } = "";
}
