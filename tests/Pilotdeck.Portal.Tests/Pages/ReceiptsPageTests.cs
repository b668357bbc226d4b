using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pilotdeck.Client.Receipts;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Portal.Tests.Hosting;
using Pilotdeck.Server.Platform.Receipts;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// The receipts explorer: a change shows up verified against the log's signed checkpoint, its
/// subject links to its verified timeline, whose evidence bundle downloads and verifies offline,
/// and a receipt altered in the database shows as failed.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class ReceiptsPageTests
{
    private readonly PortalFixture _fixture;

    public ReceiptsPageTests(PortalFixture fixture) => _fixture = fixture;

    /// <summary>Records a change's receipt in the demo tenant and waits until the sequencer has logged it.</summary>
    private async Task<string> LoggedReceiptAsync(string subject)
    {
        await using var scope = _fixture.ServerServices.CreateTenantScope(DemoSeeder.TenantId);
        await scope.ServiceProvider.GetRequiredService<ChangeReceipts>().ForJob("portal-test")
            .RecordAsync("portal.test", _ => subject, () => Task.FromResult(subject), s => System.Text.Encoding.UTF8.GetBytes(s), CancellationToken.None);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await db.Receipts.AsNoTracking().SingleAsync(r => r.Subject == subject) is { LogIndex: null })
        {
            await Task.Delay(100, timeout.Token);
        }

        return (await db.Receipts.AsNoTracking().SingleAsync(r => r.Subject == subject)).Id;
    }

    [Fact]
    public async Task Receipts_ALoggedChange_IsVerified_ItsSubjectOpensItsVerifiedTimeline_AndItsEvidenceBundleDownloadsAndVerifies()
    {
        var subject = "probes/" + Guid.NewGuid().ToString("N");
        var receiptId = await LoggedReceiptAsync(subject);
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);

        await page.GetByRole(AriaRole.Link, new() { Name = "Receipts", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("receipt-log")).ToContainTextAsync("pilotdeck.local/tenants/" + DemoSeeder.TenantId);
        await page.GetByRole(AriaRole.Link, new() { Name = "Timeline of " + subject }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Timeline of " + subject);
        var row = page.Locator($"tr[data-receipt-id='{receiptId}']");
        await Expect(row).ToContainTextAsync("Verified");
        await Expect(page.GetByTestId("receipts").Locator("tbody tr")).ToHaveCountAsync(1);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-evidence").ClickAsync());
        var bundle = Path.Combine(Path.GetTempPath(), $"portal-evidence-{Guid.NewGuid():N}.zip");
        await download.SaveAsAsync(bundle);
        try
        {
            await using var zip = File.OpenRead(bundle);
            var verification = EvidenceBundleVerifier.Verify(zip, _ => null);
            Assert.True(verification.Verified, string.Join("; ", verification.Problems));
            Assert.Equal(1, verification.ReceiptCount);
            zip.Position = 0;
            using var archive = new System.IO.Compression.ZipArchive(zip);
            Assert.NotNull(archive.GetEntry($"receipts/{receiptId}.txt"));
        }
        finally
        {
            File.Delete(bundle);
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Receipts_AReceiptAlteredInTheDatabase_ShowsAsFailed()
    {
        var subject = "probes/" + Guid.NewGuid().ToString("N");
        var receiptId = await LoggedReceiptAsync(subject);
        await using (var scope = _fixture.ServerServices.CreateTenantScope(DemoSeeder.TenantId))
        {
            // What someone with write access to the database might do: rewrite who made the change.
            await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Receipts.Where(r => r.Id == receiptId)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.Actor, "user:someone-else"));
        }

        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        await page.GotoAsync("/receipts?subject=" + Uri.EscapeDataString(subject));

        var row = page.Locator($"tr[data-receipt-id='{receiptId}']");
        await Expect(row).ToContainTextAsync("Failed");
        await Expect(row).ToContainTextAsync("its id does not match its text");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Receipts_TheActorShowsByEmail_AndTheEmailTypedFiltersByIt()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var slug = await CohortSteps.CreateCohortAsync(page, "Actor names", "email", "en");

        await page.GotoAsync("/receipts");
        await page.GetByLabel("Subject", new() { Exact = true }).FillAsync("cohorts/" + slug);
        // As people know the actor: the email, in any case; the receipt itself holds only the user's id.
        await page.GetByLabel("Actor", new() { Exact = true }).FillAsync(PortalFixture.AdminEmail.ToUpperInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();

        var rows = page.GetByTestId("receipts").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync(PortalFixture.AdminEmail);
        await Expect(rows.First.Locator("span.actor")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("^user:[0-9a-f]+$"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Receipts_TheActionAsShown_FiltersByIt_TypedOrFollowed()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var slug = await CohortSteps.CreateCohortAsync(page, "Action names", "email", "en");

        // The table shows the method's name; typing exactly that finds its receipts.
        await page.GotoAsync("/receipts");
        await page.GetByLabel("Subject", new() { Exact = true }).FillAsync("cohorts/" + slug);
        await page.GetByLabel("Action", new() { Exact = true }).FillAsync("CreateCohort");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        var rows = page.GetByTestId("receipts").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First.GetByRole(AriaRole.Link, new() { Name = "CreateCohort", Exact = true })).ToHaveAttributeAsync("title", "/pilotdeck.cohorts.v1.CohortsService/CreateCohort");

        // Following an action's link lists every receipt of that action, this cohort's among them.
        await rows.First.GetByRole(AriaRole.Link, new() { Name = "CreateCohort", Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("Action", new() { Exact = true })).ToHaveValueAsync("CreateCohort");
        await Expect(page.GetByTestId("receipts").Locator("tbody tr").Filter(new() { HasText = "cohorts/" + slug })).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("receipts").Locator("tbody th a").Filter(new() { HasNotText = "CreateCohort" })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
