using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// The policy page and the approvals inbox in a real browser: a bundle is dry-run, applied and
/// shown as a diff; an action it holds for approval appears, with a count in the navigation, in
/// another admin's inbox, who approves it.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PolicyPagesTests
{
    // Holds back only an API client no other portal test creates (jobs.admin, 13 days), so the
    // bundle left in force changes nothing for the rest of the collection.
    private const string Bundle = """
        rules:
          - id: thirteen-day-job-admins
            actions: [api-clients.create]
            when: "'jobs.admin' in request.scopes && request.lifetime_days == 13"
            effect: require_approval
            approvers: {role: ADMIN}
            reason: Job admins for thirteen days need a second look.
          - id: owners-make-owners
            actions: [members.create, members.update-role]
            when: request.role == 'OWNER' && caller.role != 'OWNER'
            effect: deny
            reason: Only an owner can give someone the owner role.
          - id: allow-the-rest
            effect: allow
            reason: everything else
        """;

    private readonly PortalFixture _fixture;

    public PolicyPagesTests(PortalFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Policy_DryRunApplyAndDiff_ThenAnotherAdminApprovesWhatItHolds()
    {
        var owner = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(owner, PortalFixture.AdminEmail);
        await owner.GetByRole(AriaRole.Link, new() { Name = "Policy", Exact = true }).ClickAsync();
        await owner.GetByLabel("Bundle (YAML)").FillAsync(Bundle.Replace("effect: deny", "efect: deny", StringComparison.Ordinal));
        await owner.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
        await Expect(owner.GetByRole(AriaRole.Alert)).ToContainTextAsync("unknown field 'efect'");

        await owner.GetByLabel("Bundle (YAML)").FillAsync(Bundle);
        await owner.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
        await Expect(owner.GetByTestId("dry-run")).ToContainTextAsync("Valid: 3 rules");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(owner.GetByRole(AriaRole.Status)).ToContainTextAsync("is in force");
        await Expect(owner.GetByTestId("policy-diff").Locator(".diff-inserted").First).ToContainTextAsync("+ ");

        await owner.GotoAsync("/admin/api-clients");
        await owner.GetByRole(AriaRole.Link, new() { Name = "Create API client" }).ClickAsync();
        await owner.GetByLabel("Name").FillAsync("thirteen days " + Guid.NewGuid().ToString("N")[..6]);
        await owner.GetByLabel("jobs.admin").CheckAsync();
        await owner.GetByLabel("Lifetime (days)").FillAsync("13");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Create API client" }).ClickAsync();
        await Expect(owner.GetByRole(AriaRole.Alert)).ToContainTextAsync("APPROVAL_REQUIRED");
        await Expect(owner.GetByTestId("approval-required")).ToContainTextAsync("ADMIN");
        await Expect(owner.GetByLabel("Approval id")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^apr_[0-9a-f]{32}$"));
        // Submitted again before anyone approved: refused as still pending, and the id stays in the form.
        await owner.GetByRole(AriaRole.Button, new() { Name = "Create API client" }).ClickAsync();
        await Expect(owner.GetByRole(AriaRole.Alert)).ToContainTextAsync("APPROVAL_NOT_PENDING");
        await Expect(owner.GetByLabel("Approval id")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^apr_[0-9a-f]{32}$"));

        var approver = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(approver, PortalFixture.OperatorEmail);
        await Expect(approver.GetByTestId("approvals-count")).ToHaveTextAsync("1");
        await approver.GetByRole(AriaRole.Link, new() { Name = "Approvals" }).ClickAsync();
        var row = approver.GetByTestId("approvals").Locator("tbody tr").Filter(new() { HasText = "api-clients.create" });
        await Expect(row).ToContainTextAsync("Job admins for thirteen days");
        await row.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(approver.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved api-clients.create");
        await Expect(approver.GetByTestId("approvals-count")).ToHaveCountAsync(0);
        await Expect(approver.GetByTestId("approval-stats")).ToContainTextAsync("median");
        await approver.Context.CloseAsync();

        // Approved: the owner's form, submitted again as it stands, runs under the approval.
        await owner.GetByRole(AriaRole.Button, new() { Name = "Create API client" }).ClickAsync();
        await Expect(owner.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("API client created: thirteen days");
        await owner.Context.CloseAsync();
    }
}
