using System.Security.Cryptography;
using System.Text.Json;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// <c>pilotdeck uat-sessions</c> against the real host, as a facilitator types it: record a session
/// with the offset they are in, list and change it, attach a transcript and download it again.
/// </summary>
public sealed class UatSessionsCommandTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private PilotdeckTestHost Host => fixture.Host;

    private static void Ok(CliResult result) => Assert.True(result.Exit == 0, result.ToString());

    [Fact]
    public async Task SessionAndAttachmentCommands_AsAFacilitatorTypesThem()
    {
        using var cli = new CliRunner(Host.Address);
        Ok(await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword));
        var slug = "uat-" + Guid.NewGuid().ToString("N")[..8];
        Ok(await cli.RunAsync("cohort", "create", slug, "--title", "UAT"));
        var added = await cli.RunAsync("cohort", "add", "--cohort", slug, "--email", "lin@example.com", "-o", "json");
        Ok(added);
        var participant = JsonDocument.Parse(added.Out).RootElement.GetProperty("participant_id").GetString()!;

        var created = await cli.RunAsync("uat-sessions", "create", "--participant", participant, "--session-date", "2025-11-10T13:00:00+08:00",
            "--satisfaction", "4", "--trust", "3", "--summary", "Import felt slow", "--follow-up", "Send the fix", "-o", "json");
        Ok(created);
        var session = JsonDocument.Parse(created.Out).RootElement;
        Assert.Equal("2025-11-10T13:00:00+08:00", session.GetProperty("session_date").GetString());
        var sessionId = session.GetProperty("session_id").GetString()!;

        var noOffset = await cli.RunAsync("uat-sessions", "create", "--participant", participant, "--session-date", "2025-11-10T13:00:00", "--satisfaction", "0", "--trust", "3");
        Assert.NotEqual(0, noOffset.Exit);
        Assert.Contains("session.session_date: has no UTC offset; expected RFC 3339 with the offset, e.g. 2025-11-10T13:00:00+08:00", noOffset.Err);
        Assert.Contains("session.satisfaction: must be between 1 and 5", noOffset.Err);

        var updated = await cli.RunAsync("uat-sessions", "update", sessionId, "--trust", "5");
        Ok(updated);
        Assert.Contains("changed trust", updated.Err);
        var listed = await cli.RunAsync("uat-sessions", "list", "--cohort", slug, "-o", "markdown");
        Ok(listed);
        Assert.Contains("| 2025-11-10T13:00:00+08:00 | 4 | 5 | Import felt slow | Send the fix |", listed.Out);

        var transcript = Path.Combine(cli.ConfigHome, "session-1.vtt");
        await File.WriteAllTextAsync(transcript, "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nLin: the import took a while\n");
        var attached = await cli.RunAsync("uat-sessions", "attach", "--participant", participant, "--session", sessionId, transcript, "-o", "json");
        Ok(attached);
        var attachmentId = JsonDocument.Parse(attached.Out).RootElement.GetProperty("attachment_id").GetString()!;
        var attachments = await cli.RunAsync("uat-sessions", "attachments", "--participant", participant);
        Ok(attachments);
        Assert.Contains("session-1.vtt", attachments.Out);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(transcript)));
        Assert.DoesNotContain(sha256, attachments.Out); // a wide column
        var wide = await cli.RunAsync("uat-sessions", "attachments", "--participant", participant, "-o", "wide");
        Ok(wide);
        Assert.Contains(sha256, wide.Out);

        var copy = Path.Combine(cli.ConfigHome, "copy.vtt");
        var downloaded = await cli.RunAsync("uat-sessions", "download", attachmentId, "--output", copy);
        Ok(downloaded);
        Assert.Contains("sha256 verified", downloaded.Err);
        Assert.Equal(await File.ReadAllBytesAsync(transcript), await File.ReadAllBytesAsync(copy));

        var misnamed = Path.Combine(cli.ConfigHome, "recording.mp4");
        await File.WriteAllTextAsync(misnamed, "this is text, not a video");
        var refused = await cli.RunAsync("uat-sessions", "attach", "--participant", participant, misnamed);
        Assert.NotEqual(0, refused.Exit);
        Assert.Contains("ATTACHMENT_TYPE_MISMATCH", refused.Err);
        Assert.Contains("it looks like text/plain", refused.Err);
    }
}
