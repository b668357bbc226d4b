using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// The shared approval field on the roster's bulk status change and the participant page's forms,
/// in a tenant of the test's own whose policy holds participant updates, feedback and sessions: each held
/// submission gains its approval id (one per participant for the bulk change, only in the form
/// submitted on the participant page), another admin approves, and the same press runs it.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class HeldFormsTests(PortalFixture fixture)
{
    private const string Bundle = """
        rules:
          - id: changes-need-approval
            actions: [participants.update, feedback.submit, sessions.create]
            effect: require_approval
            approvers: {role: ADMIN}
            reason: A second admin confirms changes to participants.
          - id: allow-the-rest
            effect: allow
            reason: everything else
        """;

    [Fact]
    public async Task HeldBulkChangeUpdateFeedbackAndSession_CarryTheirApprovalIds_AndRunOnceApproved()
    {
        var (owner, admin) = await NewTenantAsync();
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, owner);
        await page.GotoAsync("/admin/policy");
        await page.GetByLabel("Bundle (YAML)").FillAsync(Bundle);
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is in force");
        await CohortSteps.CreateCohortAsync(page, "Held round", "email", "en");
        await CohortSteps.AddParticipantAsync(page, "Ana");
        await CohortSteps.AddParticipantAsync(page, "Bo");

        // The bulk change: each move is held under its own request, both stay selected with their ids.
        var roster = page.GetByTestId("roster");
        await roster.GetByLabel("Select Ana").CheckAsync();
        await roster.GetByLabel("Select Bo").CheckAsync();
        await page.GetByLabel("Move selected to").SelectOptionAsync(new SelectOptionValue { Label = "scheduled" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Update selected" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("2 move(s) are held");
        await Expect(roster.GetByLabel("Approval id for Ana")).ToHaveValueAsync(ApprovalId());
        await Expect(roster.GetByLabel("Approval id for Bo")).ToHaveValueAsync(ApprovalId());
        Assert.NotEqual(await roster.GetByLabel("Approval id for Ana").InputValueAsync(), await roster.GetByLabel("Approval id for Bo").InputValueAsync());
        await Expect(roster.GetByLabel("Select Ana")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Move selected to")).ToHaveValueAsync("Scheduled");
        await ApproveAllAsync(admin, expected: 2);
        await page.GetByRole(AriaRole.Button, new() { Name = "Update selected" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("2 participant(s) moved to scheduled.");
        await Expect(roster.Locator("tr", new() { HasText = "Ana" }).Locator(".status")).ToHaveTextAsync("scheduled");

        // The update form: held with what was entered kept; only that form gains the field.
        await roster.GetByRole(AriaRole.Link, new() { Name = "Ana" }).ClickAsync();
        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "active" });
        await page.GetByLabel("We contacted them just now").CheckAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Outreach note" }).FillAsync("Met at the office");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("approval-required")).ToContainTextAsync("A member with the ADMIN role can approve");
        await Expect(page.GetByLabel("Approval id")).ToHaveCountAsync(1);
        await Expect(page.Locator("form", new() { Has = page.GetByRole(AriaRole.Button, new() { Name = "Record", Exact = true }) }).GetByLabel("Approval id")).ToHaveValueAsync(ApprovalId());
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Outreach note" })).ToHaveValueAsync("Met at the office");
        await Expect(page.GetByLabel("We contacted them just now")).ToBeCheckedAsync();
        await ApproveAllAsync(admin, expected: 1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Record", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Recorded.");
        await Expect(page.GetByTestId("participant-status")).ToHaveTextAsync("active");
        await Expect(page.GetByTestId("notes")).ToContainTextAsync("Met at the office");

        // Feedback on their behalf: the same, in the feedback form.
        await page.GetByLabel("Rating", new() { Exact = true }).SelectOptionAsync("4");
        await page.GetByLabel("Sentiment", new() { Exact = true }).SelectOptionAsync("positive");
        await page.GetByLabel("Highlights", new() { Exact = true }).FillAsync("Quick setup");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit feedback" }).ClickAsync();
        var feedbackForm = page.Locator("form", new() { Has = page.GetByRole(AriaRole.Button, new() { Name = "Submit feedback" }) });
        await Expect(feedbackForm.GetByLabel("Approval id")).ToHaveValueAsync(ApprovalId());
        await Expect(page.GetByLabel("Approval id")).ToHaveCountAsync(1);
        await ApproveAllAsync(admin, expected: 1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit feedback" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Feedback recorded: rating 4, positive, 0 blocker(s).");
        await Expect(page.GetByTestId("feedback").Locator("tbody tr")).ToHaveCountAsync(1);

        // A UAT session: the same, in the session form, which keeps what was typed.
        await page.GetByLabel("Session date").FillAsync("2025-11-10T13:00:00+08:00");
        await page.GetByLabel("Satisfaction").SelectOptionAsync("4");
        await page.GetByLabel("Trust").SelectOptionAsync("5");
        await page.GetByLabel("Summary").FillAsync("Walked through the import");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add session" }).ClickAsync();
        var sessionForm = page.Locator("form", new() { Has = page.GetByRole(AriaRole.Button, new() { Name = "Add session" }) });
        await Expect(sessionForm.GetByLabel("Approval id")).ToHaveValueAsync(ApprovalId());
        await Expect(page.GetByLabel("Approval id")).ToHaveCountAsync(1);
        await Expect(page.GetByLabel("Summary")).ToHaveValueAsync("Walked through the import");
        await ApproveAllAsync(admin, expected: 1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add session" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Session recorded.");
        await Expect(page.GetByTestId("sessions")).ToContainTextAsync("2025-11-10T13:00:00+08:00");
        await page.Context.CloseAsync();
    }

    /// <summary>Another admin approves every request waiting for them.</summary>
    private async Task ApproveAllAsync(string admin, int expected)
    {
        var approver = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(approver, admin);
        await approver.GotoAsync("/approvals");
        var rows = approver.GetByTestId("approvals").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(expected);
        for (var left = expected; left > 0; left--)
        {
            await rows.First.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Expect(approver.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved");
            await Expect(rows).ToHaveCountAsync(left - 1);
        }

        await approver.Context.CloseAsync();
    }

    /// <summary>A tenant of this test's own (its policy is changed), with an owner and an admin.</summary>
    private async Task<(string Owner, string Admin)> NewTenantAsync()
    {
        var tenantId = "held-" + Guid.NewGuid().ToString("N")[..8];
        await using (var scope = fixture.ServerServices.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            db.Tenants.Add(new Tenant { Id = tenantId, Name = "Held forms", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await using var tenant = fixture.ServerServices.CreateTenantScope(tenantId);
        var users = tenant.ServiceProvider.GetRequiredService<UserAccounts>();
        var emails = new List<string>();
        foreach (var role in new[] { MemberRole.Owner, MemberRole.Admin })
        {
            var email = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@held.test";
            var user = await users.CreateAsync(email, PortalFixture.Password);
            await users.SetMembershipAsync(user.Id, role);
            emails.Add(email);
        }

        return (emails[0], emails[1]);
    }

    private static Regex ApprovalId() => new("^apr_[0-9a-f]{32}$");
}
