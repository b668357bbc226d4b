using Pilotdeck.Contracts.Cohorts.V1;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>A cohort's card (the cohorts page, the home page): its funnel and, when known, how many follow-ups are due.</summary>
public sealed record CohortCard(Cohort Cohort, int? FollowupsDue = null);
