using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>What a facilitator does in the cohort pages, as the cohort tests share it.</summary>
internal static class CohortSteps
{
    /// <summary>Creates a cohort with a fresh slug from the cohorts page and waits for its roster.</summary>
    public static async Task<string> CreateCohortAsync(IPage page, string title, string channel, string locale, int targetSize = 0)
    {
        var slug = "c-" + Guid.NewGuid().ToString("N")[..8];
        await page.GotoAsync("/cohorts");
        await page.GetByLabel("Slug").FillAsync(slug);
        await page.GetByLabel("Title").FillAsync(title);
        if (targetSize > 0)
        {
            await page.GetByLabel("Target size").FillAsync(targetSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await page.GetByLabel("Default channel").FillAsync(channel);
        await page.GetByLabel("Default locale").FillAsync(locale);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create cohort" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        return slug;
    }

    /// <summary>Adds a participant with the roster's form and waits for the confirmation.</summary>
    public static async Task AddParticipantAsync(IPage page, string alias, string email = "", string phone = "", string tags = "")
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Alias").FillAsync(alias);
        await page.GetByLabel("Phone").FillAsync(phone);
        await page.GetByLabel("Tags").FillAsync(tags);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add participant" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{alias} was added");
    }
}
