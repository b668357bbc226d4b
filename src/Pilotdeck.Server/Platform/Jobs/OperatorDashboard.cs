using System.Security.Claims;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Server.Platform.Jobs;

/// <summary>
/// Hangfire's dashboard at <c>/jobs</c> for installation operators. It sees every tenant's jobs, so
/// it sits behind the portal's sign-in (anonymous visitors are sent to /signin) and then behind
/// <see cref="OperatorsOnly"/>: any other signed-in user gets 403, not a read-only view.
/// </summary>
public static class OperatorDashboard
{
    public const string Path = Navigation.JobsDashboardPath;

    public static void MapOperatorDashboard(this WebApplication app)
    {
        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            // Replaces Hangfire's default local-requests-only filter: access is decided below, for everyone.
            Authorization = [],
            AsyncAuthorization = [new OperatorsOnly()],
            AppPath = "/",
            DashboardTitle = "Pilotdeck jobs",
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>())
            .RequireAuthorization(PortalAuthentication.Policy);
    }

    /// <summary>
    /// Asks the database on each request rather than trusting the cookie's claim alone, so taking the
    /// flag away (or disabling the user) closes the dashboard at once, not at the next sign-in.
    /// </summary>
    internal sealed class OperatorsOnly : IDashboardAsyncAuthorizationFilter
    {
        public async Task<bool> AuthorizeAsync(DashboardContext context)
        {
            var http = context.GetHttpContext();
            var user = http.User;
            if (user.Identity is not { IsAuthenticated: true, AuthenticationType: PortalAuthentication.Scheme }
                || user.FindFirstValue(ClaimTypes.NameIdentifier) is not { Length: > 0 } userId)
            {
                return false;
            }

            var db = http.RequestServices.GetRequiredService<PilotdeckDbContext>();
            return await db.Users.AnyAsync(u => u.Id == userId && u.InstallationOperator && !u.Disabled, http.RequestAborted);
        }
    }
}
