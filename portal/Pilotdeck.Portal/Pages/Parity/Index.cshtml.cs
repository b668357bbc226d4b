using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Parity;

public sealed class IndexModel : PortalPageModel
{
    public ComingSoonViewModel ViewModel { get; } = new("Environment parity", "Policy bundle, API contract and flag drift between environments, and cutover rehearsals.");

    public void OnGet()
    {
    }
}
