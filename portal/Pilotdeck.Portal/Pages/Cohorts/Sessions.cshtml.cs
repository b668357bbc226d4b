using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Sessions.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>A cohort's UAT sessions, newest first and paged, each with whom it was held and who held it.</summary>
public sealed class CohortSessionsModel(PortalOptions options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Slug { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    public SessionTable? Table { get; private set; }

    public PagerViewModel? Pager { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            var page = await Api.Sessions.ListSessionsAsync(
                new ListSessionsRequest { Cohort = Slug, PageSize = options.PageSize, PageToken = PageToken ?? "" }, cancellationToken: Aborted);
            await NameActorsAsync();
            Table = new SessionTable(page.Sessions, Actors, $"UAT sessions of {Slug}, newest first")
            {
                Participants = await ParticipantNames.LoadAsync(Api, page.Sessions.Select(s => s.ParticipantId), Aborted),
            };
            Pager = new PagerViewModel("/Cohorts/Sessions", PageToken, page.NextPageToken, new Dictionary<string, string?> { ["slug"] = Slug });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }
}

/// <summary>UAT sessions as <c>_SessionTable</c> draws them; with <see cref="Participants"/>, a column naming whom each was held with.</summary>
public sealed record SessionTable(IReadOnlyList<Session> Sessions, ActorNames Actors, string Caption)
{
    public ParticipantNames? Participants { get; init; }
}
