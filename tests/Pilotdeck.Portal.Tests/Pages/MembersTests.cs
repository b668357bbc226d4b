using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

[Collection(PortalCollection.Name)]
public sealed class MembersTests
{
    private readonly PortalFixture _fixture;

    public MembersTests(PortalFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Members_AddChangeRoleRemove_ListReflectsEachChange()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var email = $"new-{Guid.NewGuid():N}@portal.test";

        await page.GetByRole(AriaRole.Link, new() { Name = "Members" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add member" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Role").SelectOptionAsync("Analyst");
        await page.GetByLabel("Initial password").FillAsync("A-long-enough-password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add member" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{email} was added as Analyst.");
        var role = page.GetByLabel($"Role of {email}");
        await Expect(role).ToHaveValueAsync("Analyst");

        await role.SelectOptionAsync("Facilitator");
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = email }).GetByRole(AriaRole.Button, new() { Name = "Change role" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{email} is now Facilitator.");
        await Expect(page.GetByLabel($"Role of {email}")).ToHaveValueAsync("Facilitator");

        await page.GetByRole(AriaRole.Link, new() { Name = $"Remove {email}" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove member" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{email} was removed from this tenant.");
        await Expect(page.GetByLabel($"Role of {email}")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Members_ShortInitialPassword_ShowsApiViolationNextToField()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);

        await page.GotoAsync("/admin/members/add");
        await page.GetByLabel("Email").FillAsync($"short-{Guid.NewGuid():N}@portal.test");
        await page.GetByLabel("Initial password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add member" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("That password does not meet the password rules.");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("PASSWORD_REJECTED");
        await Expect(page.Locator("#password-error")).Not.ToBeEmptyAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Members_PageSizeOne_PagerReachesEveryMember()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);

        await page.GotoAsync("/admin/members?size=1");
        var seen = new List<string>();
        for (var guard = 0; guard < 50; guard++)
        {
            var rows = await page.Locator("tbody th[scope=row]").AllTextContentsAsync();
            Assert.Single(rows);
            seen.Add(rows[0].Trim());
            if (!await PortalFixture.NextPageAsync(page))
            {
                break;
            }
        }

        Assert.Contains(seen, s => s.StartsWith(PortalFixture.AdminEmail, StringComparison.Ordinal));
        Assert.Contains(seen, s => s.StartsWith(PortalFixture.ViewerEmail, StringComparison.Ordinal));
        Assert.Equal(seen.Count, seen.Distinct().Count());
        await page.Context.CloseAsync();
    }
}
