using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Feedback;

public sealed class IndexModel : PortalPageModel
{
    public ComingSoonViewModel ViewModel { get; } = new("Feedback", "Pilot feedback with sentiment trends, blocker counts per cohort, daily reports and alerts.");

    public void OnGet()
    {
    }
}
