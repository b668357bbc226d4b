using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Portal.Tests.Hosting;
using Pilotdeck.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// The Notifications pages: an admin points the webhook channel at a real receiver (after the form
/// shows the API's field error for a bad URL), finds a dead letter with its last error in the
/// outbox and retries it, and the receiver gets it. A viewer has no link.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class NotificationsPageTests
{
    private readonly PortalFixture _fixture;

    public NotificationsPageTests(PortalFixture fixture) => _fixture = fixture;

    /// <summary>A webhook message that used up its attempts, straight in the database (the home page's tests use it too).</summary>
    internal static async Task<string> AddDeadLetterAsync(PortalFixture fixture, string subject)
    {
        await using var scope = fixture.ServerServices.CreateTenantScope(DemoSeeder.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var id = Guid.NewGuid().ToString("N");
        db.OutboxMessages.Add(new OutboxMessageRecord
        {
            Id = id, Channel = NotificationChannels.Webhook, Recipient = "#pilot", Subject = subject, Body = "Your blocker is fixed.",
            Source = "participants/p-42", State = OutboxStates.Dead, Attempts = 8, LastError = "HTTP 503 Service Unavailable",
            NextAttemptAt = DateTimeOffset.UtcNow, CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return id;
    }

    [Fact]
    public async Task Admin_ConfiguresTheWebhook_RetriesADeadLetter_AndTheReceiverGetsIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var subject = "Fixed: export " + Guid.NewGuid().ToString("N")[..8];
        var id = await AddDeadLetterAsync(_fixture, subject);
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);

        await page.GetByRole(AriaRole.Link, new() { Name = "Notifications" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Channels" }).ClickAsync();
        await page.GetByLabel("URL").FillAsync("ftp://hooks.example/x");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save webhook" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("NOTIFICATION_CHANNEL_INVALID");
        await Expect(page.Locator("#webhook-url-error")).ToContainTextAsync("absolute http or https URL");

        await page.GetByLabel("URL").FillAsync(receiver.Url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save webhook" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Webhook channel saved.");

        await page.GetByRole(AriaRole.Link, new() { Name = "Notifications" }).First.ClickAsync();
        await page.GetByLabel("State", new() { Exact = true }).SelectOptionAsync("Dead");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.GetByTestId("outbox-counts").Locator("[data-state=dead]")).Not.ToHaveTextAsync("0");
        var row = page.GetByTestId("outbox").Locator($"tr[data-message-id='{id}']");
        await Expect(row).ToContainTextAsync("HTTP 503 Service Unavailable");
        await row.GetByRole(AriaRole.Button, new() { Name = "Retry " + subject }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Message {id} is queued again");
        await Expect(page).ToHaveURLAsync(new Regex("state=Dead"));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!receiver.Received.Any(r => r.IdempotencyKey == id))
        {
            await Task.Delay(100, timeout.Token);
        }

        // The receiver holds the message a moment before the deliverer records it: reload until the page shows it.
        var delivered = page.GetByTestId("outbox").Locator($"tr[data-message-id='{id}']");
        await page.GotoAsync("/admin/notifications?state=Delivered");
        for (var attempt = 0; attempt < 50 && await delivered.CountAsync() == 0; attempt++)
        {
            await Task.Delay(200);
            await page.GotoAsync("/admin/notifications?state=Delivered");
        }

        await Expect(delivered).ToContainTextAsync("Delivered");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Viewer_HasNoLink_AndGetsTheRoleRefusal()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.ViewerEmail);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Notifications" })).ToHaveCountAsync(0);

        await page.GotoAsync("/admin/notifications");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("ROLE_INSUFFICIENT");
        await Expect(page.GetByTestId("outbox")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
