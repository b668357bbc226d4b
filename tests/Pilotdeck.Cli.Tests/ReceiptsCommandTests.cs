using System.Text.Json;
using Pilotdeck.Cli.Receipts;
using Pilotdeck.TestSupport;
using Pilotdeck.Transparency.Notes;

namespace Pilotdeck.Cli.Tests;

/// <summary><c>pilotdeck receipts list | show</c> against the real host: a change's receipt, listed by its subject and checked against the signed log.</summary>
public sealed class ReceiptsCommandTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private PilotdeckTestHost Host => fixture.Host;

    private async Task<(CliRunner Cli, string ReceiptId)> MemberAddedAsync()
    {
        var cli = new CliRunner(Host.Address);
        var login = await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword);
        Assert.True(login.Exit == 0, login.ToString());
        var add = await cli.RunAsync("admin", "members", "add", $"receipt-{Guid.NewGuid():N}@demo.test", "--role", "viewer",
            "--initial-password", "Another-Long-Passphrase-7", "--output", "json");
        Assert.True(add.Exit == 0, add.ToString());
        var subject = "members/" + JsonDocument.Parse(add.Out).RootElement.GetProperty("user_id").GetString();

        var list = await cli.RunAsync("receipts", "list", "--subject", subject, "--output", "json");
        Assert.True(list.Exit == 0, list.ToString());
        var receipt = Assert.Single(JsonDocument.Parse(list.Out).RootElement.EnumerateArray());
        Assert.EndsWith("/CreateMember", receipt.GetProperty("action").GetString());
        return (cli, receipt.GetProperty("receipt_id").GetString()!);
    }

    /// <summary>Runs <c>receipts show</c> until the sequencer (1 s period) has logged the receipt.</summary>
    private static async Task<CliResult> ShowWhenLoggedAsync(CliRunner cli, params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var shown = await cli.RunAsync(["receipts", "show", .. args]);
            if (!shown.Err.Contains("RECEIPT_PENDING", StringComparison.Ordinal))
            {
                return shown;
            }

            await Task.Delay(250, timeout.Token);
        }
    }

    [Fact]
    public async Task List_ByAMembersEmail_ListsWhatThatMemberDid()
    {
        var (cli, receiptId) = await MemberAddedAsync();
        using var _ = cli;
        var whoami = await cli.RunAsync("whoami", "-o", "json");
        var ownerId = JsonDocument.Parse(whoami.Out).RootElement.GetProperty("subject").GetString();

        var byEmail = await cli.RunAsync("receipts", "list", "--actor", PilotdeckTestHost.OwnerEmail.ToUpperInvariant(), "--limit", "0", "-o", "json");
        var unknown = await cli.RunAsync("receipts", "list", "--actor", "nobody@demo.test");

        Assert.True(byEmail.Exit == 0, byEmail.ToString());
        var receipts = JsonDocument.Parse(byEmail.Out).RootElement.EnumerateArray().ToList();
        Assert.Contains(receipts, r => r.GetProperty("receipt_id").GetString() == receiptId);
        Assert.All(receipts, r => Assert.Equal("user:" + ownerId, r.GetProperty("actor").GetString()));
        Assert.Equal(5, unknown.Exit);
        Assert.Contains("no member with email 'nobody@demo.test'", unknown.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_ALoggedReceipt_IsVerifiedAgainstTheSignedCheckpoint()
    {
        var (cli, receiptId) = await MemberAddedAsync();
        using var _ = cli;

        var shown = await ShowWhenLoggedAsync(cli, receiptId, "--output", "json");

        Assert.True(shown.Exit == 0, shown.ToString());
        var record = JsonDocument.Parse(shown.Out).RootElement;
        Assert.Equal(receiptId, record.GetProperty("receipt_id").GetString());
        Assert.True(record.GetProperty("verified").GetBoolean());
        Assert.True(record.GetProperty("checkpoint_size").GetInt64() > record.GetProperty("log_index").GetInt64());
        Assert.Contains("pin it with --key", shown.Err);
    }

    [Fact]
    public async Task Show_WithAKeyThatDidNotSign_FailsWithItsOwnExitCodeAndSaysWhy()
    {
        var (cli, receiptId) = await MemberAddedAsync();
        using var _ = cli;
        var impostor = NoteSigningKey.Generate("pilotdeck.local/tenants/demo").VerifierKey.ToString();

        var shown = await ShowWhenLoggedAsync(cli, receiptId, "--key", impostor);

        Assert.Equal(ReceiptsCommand.NotVerified, shown.Exit);
        Assert.Contains("the checkpoint does not verify with the key", shown.Out);
    }
}
