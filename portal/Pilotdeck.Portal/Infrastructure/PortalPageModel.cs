using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Client;
using Grpc.Core;

namespace Pilotdeck.Portal.Infrastructure;

/// <summary>
/// Base of every portal page: the API as the signed-in user (set up by <see cref="PortalPageFilter"/>
/// before any handler runs) and one place to turn API errors into what the page shows.
/// </summary>
public abstract class PortalPageModel : PageModel
{
    public const string FlashKey = "Flash";

    protected PortalSession Session => HttpContext.RequestServices.GetRequiredService<PortalSession>();

    /// <summary>The API as the signed-in user.</summary>
    protected PilotdeckClient Api => Session.Api;

    public PortalUser CurrentUser => Session.User ?? throw new InvalidOperationException("No signed-in user on this request.");

    /// <summary>Members' and API clients' names for the actor ids the page shows, once <see cref="NameActorsAsync"/> has run.</summary>
    public ActorNames Actors { get; private set; } = ActorNames.None;

    /// <summary>The API error to show above the page's content, if the last call failed.</summary>
    public ApiProblem? Problem { get; protected set; }

    protected CancellationToken Aborted => HttpContext.RequestAborted;

    /// <summary>On a page with several forms, the one whose submission <see cref="Problem"/> answers.</summary>
    public string? ProblemForm { get; private set; }

    /// <summary>The problem when <paramref name="form"/> was the one refused or held: what its <c>_ApprovalField</c> shows.</summary>
    public ApiProblem? HeldIn(string form) => ProblemForm == form ? Problem : null;

    /// <param name="form">On a page with several governed forms, the one submitted, so only it gains the approval id field.</param>
    protected void ShowProblem(RpcException exception, FieldMap? fields = null, string? form = null)
    {
        Problem = ApiProblem.From(exception, ModelState, fields);
        ProblemForm = form;
    }

    /// <summary>Reads who the page's actor ids are (<see cref="ActorNames"/>), for pages that show who did what.</summary>
    protected async Task NameActorsAsync() => Actors = await ActorNames.LoadAsync(Api, CurrentUser.IsAdmin, Aborted);

    /// <summary>A one-line confirmation shown on the next page (post/redirect/get).</summary>
    protected void FlashNext(string message) => TempData[FlashKey] = message;
}

/// <summary>What the layout shows beyond the page itself; filled once the page's handler has run.</summary>
public sealed class LayoutState
{
    public IReadOnlyList<Contracts.Identity.V1.TenantMembership> Tenants { get; set; } = [];

    /// <summary>Approval requests the signed-in member may decide: the count beside "Approvals".</summary>
    public int ApprovalsAwaiting { get; set; }
}
