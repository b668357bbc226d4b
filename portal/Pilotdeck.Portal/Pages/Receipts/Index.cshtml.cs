using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Receipts;

public sealed class IndexModel : PortalPageModel
{
    public ComingSoonViewModel ViewModel { get; } = new("Receipts", "The per-tenant receipt log: every state change with its signed tree head and proofs.");

    public void OnGet()
    {
    }
}
