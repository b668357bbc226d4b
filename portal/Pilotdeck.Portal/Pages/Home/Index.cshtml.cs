using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Home;

/// <summary>The dashboard: what is waiting for the member, the cohorts under way, and who the API says the caller is.</summary>
public sealed class IndexModel : PortalPageModel
{
    public HomeViewModel? ViewModel { get; private set; }

    public HomeDashboard? Dashboard { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            var caller = await Api.Identity.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken: Aborted);
            var name = caller.TenantId == CurrentUser.TenantId ? CurrentUser.TenantName : caller.TenantId;
            ViewModel = HomeViewModel.From(caller, name);
            Dashboard = await HomeDashboard.LoadAsync(Api, CurrentUser, Aborted);
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }
}
