using System.ComponentModel.DataAnnotations;

namespace Pilotdeck.Portal.Pages.Admin.ApiClients;

/// <summary>What the create form posts; the API validates it and its violations appear by each field.</summary>
public sealed class CreateApiClientInput
{
    [Display(Name = "Name")]
    public string? Name { get; set; }

    /// <summary>Ticked scopes from the catalogue.</summary>
    [Display(Name = "Scopes")]
    public List<string> Scopes { get; set; } = [];

    /// <summary>Scopes not (yet) in the catalogue, separated by spaces or commas.</summary>
    [Display(Name = "Other scopes")]
    public string? OtherScopes { get; set; }

    [Display(Name = "Lifetime (days)")]
    public int LifetimeDays { get; set; } = 365;

    /// <summary>Issued with the form so a double submit creates one client, not two.</summary>
    public string RequestId { get; set; } = "";

    public IEnumerable<string> AllScopes() =>
        Scopes.Concat((OtherScopes ?? "").Split([' ', ',', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.Ordinal);
}
