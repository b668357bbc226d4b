using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using Pilotdeck.Server.Features.Guardian;
using Pilotdeck.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// The tenant's job runs page: a tenant admin finds the nightly runs of its own tenant by name and
/// state and retries one; roles below admin get the API's refusal.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class JobRunsPageTests
{
    private readonly PortalFixture _fixture;

    public JobRunsPageTests(PortalFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task JobRuns_TenantAdmin_FindsTheRetentionRunAndRetriesIt()
    {
        await JobWaits.FireAndWaitAsync(_fixture.ServerServices, GuardianRetention.JobId);
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);

        await page.GetByRole(AriaRole.Link, new() { Name = "Job runs" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("retention");
        await page.GetByLabel("State", new() { Exact = true }).SelectOptionAsync("Succeeded");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();

        var row = page.GetByTestId("job-runs").GetByRole(AriaRole.Row).Filter(new() { HasText = "Guardian history retention" }).First;
        await Expect(row).ToContainTextAsync("Succeeded");
        await Expect(row).ToContainTextAsync(new Regex("[0-9]+ analyses older than 180 days deleted"));
        await row.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Retry ") }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Guardian history retention");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is queued to run again");
        // Back on the list as it was filtered.
        await Expect(page).ToHaveURLAsync(new Regex("name=retention.*state=Succeeded"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task JobRuns_Viewer_HasNoLinkAndGetsTheRoleRefusal()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.ViewerEmail);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Job runs" })).ToHaveCountAsync(0);

        await page.GotoAsync("/admin/jobs");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("ROLE_INSUFFICIENT");
        await Expect(page.GetByTestId("job-runs")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
