using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Guardian;

/// <summary>Placeholder slot: the dbt Guardian page replaces this folder's content.</summary>
public sealed class IndexModel : PortalPageModel
{
    public ComingSoonViewModel ViewModel { get; } = new("dbt Guardian", "Test coverage of a dbt project's models and columns, ranked gaps and schema.yml suggestions.");

    public void OnGet()
    {
    }
}
