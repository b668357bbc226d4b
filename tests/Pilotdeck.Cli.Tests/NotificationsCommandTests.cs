using System.Text.Json;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// <c>pilotdeck notifications</c> against the real host and a real webhook receiver on loopback:
/// configure, test, list, a dead message retried; and what the commands answer for bad input.
/// </summary>
public sealed class NotificationsCommandTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private PilotdeckTestHost Host => fixture.Host;

    private static void Ok(CliResult result) => Assert.True(result.Exit == 0, result.ToString());

    private async Task<CliRunner> OwnerAsync()
    {
        var cli = new CliRunner(Host.Address);
        Ok(await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword));
        return cli;
    }

    [Fact]
    public async Task ConfigureTestListAndRetry_AsTheRunbookDoes()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var cli = await OwnerAsync();

        var set = await cli.RunAsync("notifications", "channels", "set-webhook", "--url", receiver.Url, "--auth", "bearer", "--secret", "hook-token");
        Ok(set);
        Assert.Contains("Webhook channel saved", set.Err);
        var shown = await cli.RunAsync("notifications", "channels", "show", "--output", "json");
        Ok(shown);
        var webhook = Assert.Single(JsonDocument.Parse(shown.Out).RootElement.EnumerateArray());
        Assert.Equal((receiver.Url, "bearer", true), (webhook.GetProperty("target").GetString(), webhook.GetProperty("security").GetString(), webhook.GetProperty("secret_set").GetBoolean()));
        Assert.DoesNotContain("hook-token", shown.Out);

        var test = await cli.RunAsync("notifications", "test", "--channel", "webhook", "--to", "#pilot-ops");
        Ok(test);
        Assert.Contains("Delivered.", test.Err);
        Assert.Equal("Bearer hook-token", Assert.Single(receiver.Received).Authorization);

        // A channel that refuses every attempt: the test message stays in the outbox, pending.
        receiver.FailWith.Enqueue(500);
        var refused = await cli.RunAsync("notifications", "test", "--channel", "webhook");
        Assert.Equal(14, refused.Exit);
        Assert.Contains("Not delivered: HTTP 500", refused.Err);
        var pending = await cli.RunAsync("notifications", "list", "--state", "pending", "--output", "json");
        Ok(pending);
        var id = JsonDocument.Parse(pending.Out).RootElement.EnumerateArray().First().GetProperty("message_id").GetString()!;
        Assert.Matches(@"Outbox: 1 pending, 1 delivered, 0 dead\.", pending.Err);

        var notDead = await cli.RunAsync("notifications", "retry", id);
        Assert.Equal(9, notDead.Exit);
        Assert.Contains("NOTIFICATION_NOT_DEAD", notDead.Err);
        var unknown = await cli.RunAsync("notifications", "retry", "no-such-message");
        Assert.Equal(5, unknown.Exit);
        Assert.Contains("NOTIFICATION_NOT_FOUND", unknown.Err);
    }

    [Fact]
    public async Task InvalidSmtpSettings_AreRefusedWithTheFieldsNamed()
    {
        using var cli = await OwnerAsync();
        var refused = await cli.RunAsync("notifications", "channels", "set-smtp", "--host", "mail.example.org", "--port", "0", "--from", "not-an-address");
        Assert.Equal(3, refused.Exit);
        Assert.Contains("NOTIFICATION_CHANNEL_INVALID", refused.Err);
        Assert.Contains("smtp.port", refused.Err);
        Assert.Contains("smtp.from_address", refused.Err);

        var notConfigured = await cli.RunAsync("notifications", "test", "--channel", "smtp", "--to", "someone@example.org");
        Assert.Equal(9, notConfigured.Exit);
        Assert.Contains("NOTIFICATION_CHANNEL_NOT_CONFIGURED", notConfigured.Err);
    }
}
