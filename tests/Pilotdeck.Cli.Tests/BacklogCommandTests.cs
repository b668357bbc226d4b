using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Notifications;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// <c>pilotdeck backlog</c> and <c>pilotdeck followups --notify</c> against the real host, a real
/// SMTP server and a real webhook: blockers promoted, an item shipped, the release's changelog in
/// Markdown with participant ids, and each reporter told once (email by SMTP, chat through the team's webhook).
/// </summary>
public sealed class BacklogCommandTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private PilotdeckTestHost Host => fixture.Host;

    private static void Ok(CliResult result) => Assert.True(result.Exit == 0, result.ToString());

    [Fact]
    public async Task PromoteShipChangelogAndNotify_AsTheRunbookDoes()
    {
        await using var smtp = await SmtpReceiver.StartAsync();
        await using var webhook = await WebhookReceiver.StartAsync();
        using var cli = new CliRunner(Host.Address);
        Ok(await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword));
        Ok(await cli.RunAsync("notifications", "channels", "set-smtp", "--host", "127.0.0.1", "--port", smtp.Port.ToString(), "--tls", "none", "--from", "pilot@pilotdeck.example"));
        Ok(await cli.RunAsync("notifications", "channels", "set-webhook", "--url", webhook.Url));
        var slug = "blc-" + Guid.NewGuid().ToString("N")[..8];
        Ok(await cli.RunAsync("cohort", "create", slug, "--title", "Backlog pilot"));
        var mia = await AddAsync(cli, slug, "--alias", "Mia", "--email", "mia@example.org", "--channel", "email", "--locale", "en");
        var lin = await AddAsync(cli, slug, "--alias", "Lin", "--channel", "wechat", "--locale", "zh-CN");
        Ok(await cli.RunAsync("feedback", "submit", "--participant", mia, "--rating", "2", "--sentiment", "negative", "--blocker", "CSV export fails"));
        Ok(await cli.RunAsync("feedback", "submit", "--participant", lin, "--rating", "3", "--sentiment", "neutral", "--blocker", "Export to CSV fails!"));

        var promoted = await cli.RunAsync("backlog", "promote", "--cohort", slug, "--format", "json");
        Ok(promoted);
        Assert.Contains("1 item(s) created", promoted.Err);
        var item = Assert.Single(JsonDocument.Parse(promoted.Out).RootElement.EnumerateArray());
        var id = item.GetProperty("item_id").GetString()!;
        Assert.Equal(2, item.GetProperty("participants").GetInt32());

        var skipped = await cli.RunAsync("backlog", "update", id, "--state", "shipped");
        Assert.Equal(9, skipped.Exit);
        Assert.Contains("TRANSITION_NOT_ALLOWED", skipped.Err);
        Ok(await cli.RunAsync("backlog", "update", id, "--state", "planned", "--release", "2025.11.2"));
        Ok(await cli.RunAsync("backlog", "update", id, "--state", "fixed"));
        Ok(await cli.RunAsync("backlog", "update", id, "--state", "shipped"));
        var board = await cli.RunAsync("backlog", "list", "--cohort", slug, "--state", "shipped", "--format", "table");
        Ok(board);
        Assert.Contains("CSV export fails", board.Out);

        var changelog = await cli.RunAsync("backlog", "changelog", "--release", "2025.11.2", "--format", "markdown");
        Ok(changelog);
        Assert.StartsWith("# Changelog 2025.11.2", changelog.Out);
        Assert.Contains($"- **CSV export fails** ({slug}, shipped ", changelog.Out);
        Assert.Contains($"reported by `{mia}`, `{lin}`", changelog.Out);

        var dry = await cli.RunAsync("followups", "--notify", "--cohort", slug, "--release", "2025.11.2", "--dry-run", "--format", "json");
        Ok(dry);
        Assert.Contains("Dry run: 2 \"fixed\" message(s)", dry.Err);
        var notified = await cli.RunAsync("followups", "--notify", "--cohort", slug, "--release", "2025.11.2", "--format", "json");
        Ok(notified);
        var notices = JsonDocument.Parse(notified.Out).RootElement.EnumerateArray().ToList();
        Assert.Equal(["smtp", "webhook"], notices.Select(n => n.GetProperty("channel").GetString()));
        var again = await cli.RunAsync("followups", "--notify", "--cohort", slug);
        Ok(again);
        Assert.Contains("Nobody to tell", again.Out);
        Assert.Contains("0 \"fixed\" message(s) queued", again.Err);

        await DeliverAsync(() => smtp.Messages().Count == 1 && webhook.Received.Count == 1);
        Assert.Contains("fixed in 2025.11.2", Assert.Single(smtp.Messages()));
        Assert.Contains("2025.11.2", Assert.Single(webhook.Received).Body.GetProperty("text").GetString());
        var shown = await cli.RunAsync("backlog", "show", id, "-o", "json");
        Ok(shown);
        Assert.NotEqual(JsonValueKind.Null, JsonDocument.Parse(shown.Out).RootElement.GetProperty("announce_time").ValueKind);
    }

    private static async Task<string> AddAsync(CliRunner cli, string slug, params string[] options)
    {
        var added = await cli.RunAsync(["cohort", "add", "--cohort", slug, .. options, "-o", "json"]);
        Ok(added);
        return JsonDocument.Parse(added.Out).RootElement.GetProperty("participant_id").GetString()!;
    }

    /// <summary>Runs the outbox's delivery, as its job does every minute, until the receivers have what they expect.</summary>
    private async Task DeliverAsync(Func<bool> received)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!received())
        {
            await using (var scope = Host.Services.CreateTenantScope(Host.TenantId))
            {
                await scope.ServiceProvider.GetRequiredService<NotificationDelivery>().RunAsync(CancellationToken.None);
            }

            await Task.Delay(100, timeout.Token);
        }
    }
}
