using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Imports;

public sealed class IndexModel : PortalPageModel
{
    public ComingSoonViewModel ViewModel { get; } = new("Imports", "Dry-run and commit imports of identities, runbooks, incidents and graph data, with a diff and receipts.");

    public void OnGet()
    {
    }
}
