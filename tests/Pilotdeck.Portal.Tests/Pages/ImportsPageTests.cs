using System.Text;
using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// The import wizard in a real browser: upload a CSV, read the dry-run diff (filter rejected rows),
/// download the failed rows and the signed manifest, commit, and see the same file come back
/// all unchanged.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class ImportsPageTests(PortalFixture fixture)
{
    [Fact]
    public async Task Wizard_UploadDryRunFilterDownloadCommit_ThenTheSameFileIsUnchanged()
    {
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var domain = $"p{Guid.NewGuid():N}"[..10] + ".example.com";
        var csv = new FilePayload
        {
            Name = "team.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes($"userName,emails,active,roles\nann@{domain},,true,ANALYST\nbob@{domain},,true,VIEWER\n=cmd(),,true,VIEWER\n"),
        };

        await page.GetByRole(AriaRole.Link, new() { Name = "Imports", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New import" }).ClickAsync();
        await page.GetByLabel("Kind").SelectOptionAsync("identities");
        await page.GetByLabel("CSV file").SetInputFilesAsync(csv);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and dry run" }).ClickAsync();

        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("2 / 0 / 0 / 1");
        await Expect(page.GetByTestId("import-rows").Locator("tbody tr")).ToHaveCountAsync(3);
        await page.GetByLabel("Show").SelectOptionAsync("Rejected");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.GetByTestId("import-rows").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("import-rows")).ToContainTextAsync("is not a valid email address");

        var failed = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download failed rows (CSV with reasons)" }).ClickAsync());
        var failedText = await File.ReadAllTextAsync(await failed.PathAsync());
        Assert.StartsWith("userName,emails,active,roles,reason", failedText);
        Assert.True(failedText.Contains("'=cmd()"), failedText);
        var manifest = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download signed error manifest" }).ClickAsync());
        Assert.Contains("application/vnd.pilotdeck.import-manifest+json", await File.ReadAllTextAsync(await manifest.PathAsync()));

        await page.GetByRole(AriaRole.Button, new() { Name = "Commit" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Committed: 2 created");
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("committed");

        await page.GotoAsync("/imports/new");
        await page.GetByLabel("CSV file").SetInputFilesAsync(csv);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and dry run" }).ClickAsync();
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("0 / 0 / 2 / 1");
    }

    [Fact]
    public async Task JobRunImport_LinksToItsJobRuns_WhichSayWhatTheDryRunDid_AndLinkBack()
    {
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var domain = $"j{Guid.NewGuid():N}"[..10] + ".example.com";
        var rows = Enumerable.Range(0, 1500).Select(i => $"member{i:D5}@{domain},,true,VIEWER");
        var csv = new FilePayload { Name = "big-team.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(string.Join("\n", ["userName,emails,active,roles", .. rows]) + "\n") };
        Assert.True(csv.Buffer.Length > 65536);

        await page.GotoAsync("/imports/new");
        await page.GetByLabel("Kind").SelectOptionAsync("identities");
        await page.GetByLabel("CSV file").SetInputFilesAsync(csv);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and dry run" }).ClickAsync();
        // The page follows the job until the plan is ready.
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("1500 / 0 / 0 / 0");
        var importId = page.Url[(page.Url.LastIndexOf('/') + 1)..].Split('?')[0];

        await page.GetByTestId("import-job-runs").ClickAsync();

        var run = page.GetByTestId("job-runs").GetByRole(AriaRole.Row).Filter(new() { HasText = "Import dry-run " + importId });
        await Expect(run).ToContainTextAsync("Succeeded");
        await Expect(run).ToContainTextAsync("1,500 rows planned: 1,500 to create, 0 to update, 0 unchanged, 0 rejected");

        // And back: the run's name opens its import.
        await run.GetByTestId("job-import").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/imports/{importId}$"));
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("1500 / 0 / 0 / 0");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Commit_HeldByThePolicy_ShowsApprovalRequiredWithTheRequest()
    {
        // Holds only imports of exactly four rows, which no other portal test makes.
        const string bundle = """
            rules:
              - id: four-row-imports
                actions: [imports.commit]
                when: request.rows == 4
                effect: require_approval
                approvers: {role: OWNER}
                reason: Four-row imports need an owner's look.
              - id: allow-the-rest
                effect: allow
                reason: everything else
            """;
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        await page.GotoAsync("/admin/policy");
        await page.GetByLabel("Bundle (YAML)").FillAsync(bundle);
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is in force");
        var domain = $"q{Guid.NewGuid():N}"[..10] + ".example.com";
        var rows = string.Join("\n", Enumerable.Range(0, 4).Select(i => $"held{i}@{domain},VIEWER"));

        await page.GotoAsync("/imports/new");
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "four.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("userName,roles\n" + rows + "\n") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and dry run" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Commit" }).ClickAsync();

        var notice = page.GetByTestId("approval-required");
        await Expect(notice).ToContainTextAsync("Approval required");
        await Expect(notice).ToContainTextAsync("OWNER");
        await Expect(notice).ToContainTextAsync("apr_");
        await Expect(page.GetByLabel("Approval id")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^apr_[0-9a-f]{32}$"));
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("planned");
    }
}
