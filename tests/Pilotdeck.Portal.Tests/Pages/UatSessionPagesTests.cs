using System.Text;
using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// A facilitator records UAT sessions on a participant's page in a real browser: a date without its
/// offset and a score of 0 are refused at their fields, a session with a transcript is kept with the
/// offset as typed and the transcript downloads byte for byte, and a "recording" that is really text
/// is refused with the session still recorded; the cohort's sessions page lists both, naming whom
/// each was held with and who held it.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class UatSessionPagesTests(PortalFixture fixture)
{
    private const string Transcript = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nLin: the import took a while\n";

    [Fact]
    public async Task ParticipantPage_RecordsSessionsWithAttachments_AndRefusesBadInputAtItsFields()
    {
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        await page.GotoAsync("/cohorts");
        var slug = "uat-" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel("Slug").FillAsync(slug);
        await page.GetByLabel("Title").FillAsync("UAT round");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create cohort" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync("lin@example.com");
        await page.GetByLabel("Alias").FillAsync("Lin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add participant" }).ClickAsync();
        await page.GetByTestId("roster").GetByRole(AriaRole.Link, new() { Name = "Lin" }).ClickAsync();

        await page.GetByLabel("Session date").FillAsync("2025-11-10T13:00:00");
        await page.GetByLabel("Trust").SelectOptionAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add session" }).ClickAsync();
        await Expect(page.Locator("#session-date-error")).ToContainTextAsync("has no UTC offset; expected RFC 3339 with the offset, e.g. 2025-11-10T13:00:00+08:00");
        await Expect(page.Locator("#session-satisfaction-error")).ToContainTextAsync("must be between 1 and 5");
        await Expect(page.GetByText("No sessions yet.")).ToBeVisibleAsync();

        var transcript = Path.Combine(Path.GetTempPath(), $"session-{Guid.NewGuid():N}.vtt");
        await File.WriteAllTextAsync(transcript, Transcript);
        await page.GetByLabel("Session date").FillAsync("2025-11-10T13:00:00+08:00");
        await page.GetByLabel("Satisfaction").SelectOptionAsync("4");
        await page.GetByLabel("Trust").SelectOptionAsync("3");
        await page.GetByLabel("Summary").FillAsync("Import felt slow");
        await page.GetByLabel("Attachment").SetInputFilesAsync(transcript);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add session" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Session recorded with " + Path.GetFileName(transcript));
        await Expect(page.GetByTestId("sessions").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("sessions")).ToContainTextAsync("2025-11-10T13:00:00+08:00");
        await Expect(page.GetByTestId("attachments")).ToContainTextAsync("text/vtt");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("attachments").GetByRole(AriaRole.Link).ClickAsync());
        Assert.Equal(Path.GetFileName(transcript), download.SuggestedFilename);
        Assert.Equal(Transcript, await File.ReadAllTextAsync(await download.PathAsync(), Encoding.UTF8));

        var fake = Path.Combine(Path.GetTempPath(), $"recording-{Guid.NewGuid():N}.mp4");
        await File.WriteAllTextAsync(fake, "this is text, not a video");
        await page.GetByLabel("Session date").FillAsync("2025-11-12T09:00:00-05:00");
        await page.GetByLabel("Satisfaction").SelectOptionAsync("2");
        await page.GetByLabel("Trust").SelectOptionAsync("2");
        await page.GetByLabel("Attachment").SetInputFilesAsync(fake);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add session" }).ClickAsync();
        await Expect(page.GetByText("The session was recorded, but its attachment was refused.")).ToBeVisibleAsync();
        await Expect(page.Locator("#session-file-error")).ToContainTextAsync("does not match the content (text/plain)");
        await Expect(page.GetByTestId("sessions").Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("attachments").Locator("li")).ToHaveCountAsync(1);
        await Expect(page.GetByLabel("Session date")).ToBeEmptyAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "uat-sessions.png"), FullPage = true });

        // The cohort's sessions, latest first, each naming the participant and who recorded it.
        await page.GotoAsync($"/cohorts/{slug}");
        await page.GetByRole(AriaRole.Link, new() { Name = "UAT sessions", Exact = true }).ClickAsync();
        var sessions = page.GetByTestId("sessions").Locator("tbody tr");
        await Expect(sessions).ToHaveCountAsync(2);
        await Expect(sessions.First).ToContainTextAsync("2025-11-12T09:00:00-05:00");
        await Expect(sessions.Locator("[data-field=participant]")).ToHaveTextAsync(["Lin", "Lin"]);
        await Expect(sessions.Locator("[data-field=facilitator]")).ToHaveTextAsync([PortalFixture.AdminEmail, PortalFixture.AdminEmail]);
        await page.Context.CloseAsync();
    }
}
