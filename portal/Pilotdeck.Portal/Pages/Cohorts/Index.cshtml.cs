using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

public sealed class IndexModel : PortalPageModel
{
    public ComingSoonViewModel ViewModel { get; } = new("Cohorts", "Participant rosters per cohort: CSV import, status lifecycle, follow-ups and UAT sessions.");

    public void OnGet()
    {
    }
}
