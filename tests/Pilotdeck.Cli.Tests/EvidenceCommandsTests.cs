using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Cli.Receipts;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Receipts;
using Pilotdeck.TestSupport;
using Pilotdeck.Transparency.Checkpoints;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// <c>pilotdeck receipts export | verify | tail</c> against the real host: a bundle exported from it
/// verifies offline, a changed byte is named, and the trusted-checkpoint store accepts only proven
/// growth and reports forks with both signed checkpoints.
/// </summary>
public sealed class EvidenceCommandsTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>, IDisposable
{
    /// <summary>Where verify runs: nothing listens here, so a network call would fail the command.</summary>
    private const string Unreachable = "http://127.0.0.1:9";

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("pilotdeck-evidence-");

    private PilotdeckTestHost Host => fixture.Host;

    public void Dispose() => _work.Delete(recursive: true);

    private async Task<CliRunner> LoggedInAsync()
    {
        var cli = new CliRunner(Host.Address);
        var login = await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword);
        Assert.True(login.Exit == 0, login.ToString());
        return cli;
    }

    /// <summary>Adds a member and waits until the receipt is in a signed checkpoint; returns its subject and receipt id.</summary>
    private static async Task<(string Subject, string ReceiptId)> LoggedChangeAsync(CliRunner cli)
    {
        var add = await cli.RunAsync("admin", "members", "add", $"evidence-{Guid.NewGuid():N}@demo.test", "--role", "viewer",
            "--initial-password", "Another-Long-Passphrase-7", "--output", "json");
        Assert.True(add.Exit == 0, add.ToString());
        var subject = "members/" + JsonDocument.Parse(add.Out).RootElement.GetProperty("user_id").GetString();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var list = await cli.RunAsync("receipts", "list", "--subject", subject, "--output", "json");
            var receipt = JsonDocument.Parse(list.Out).RootElement.EnumerateArray().Single();
            if (receipt.GetProperty("log_index").ValueKind == JsonValueKind.Number)
            {
                return (subject, receipt.GetProperty("receipt_id").GetString()!);
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    private async Task<string> ExportAsync(CliRunner cli, string subject, string name)
    {
        var path = Path.Combine(_work.FullName, name);
        var export = await cli.RunAsync("receipts", "export", "--subject", subject, "-o", path);
        Assert.True(export.Exit == 0, export.ToString());
        return path;
    }

    private static Task<CliResult> VerifyAsync(CliRunner cli, string bundle, params string[] more) =>
        cli.RunAsync(["receipts", "verify", bundle, "--server", Unreachable, .. more]);

    /// <summary>Rewrites one file of the zip with <paramref name="change"/> applied to its bytes.</summary>
    private static void Alter(string bundle, string entryName, Action<byte[]> change)
    {
        using var archive = ZipFile.Open(bundle, ZipArchiveMode.Update);
        var entry = archive.GetEntry(entryName)!;
        byte[] bytes;
        using (var stream = entry.Open())
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }

        change(bytes);
        entry.Delete();
        using var replaced = archive.CreateEntry(entryName).Open();
        replaced.Write(bytes);
    }

    private async Task<string> SignedByTheLogAsync(long treeSize, LogHash root)
    {
        await using var scope = Host.Services.CreateTenantScope(Host.TenantId);
        var keys = scope.ServiceProvider.GetRequiredService<TenantLogKeys>();
        return new Checkpoint(keys.Origin, treeSize, root).Sign(await keys.SigningKeyAsync(CancellationToken.None));
    }

    private static string CheckpointIn(string bundle)
    {
        using var archive = ZipFile.OpenRead(bundle);
        using var reader = new StreamReader(archive.GetEntry("checkpoint.txt")!.Open());
        return reader.ReadToEnd();
    }

    [Fact]
    public async Task ExportThenVerify_Offline_VerifiesAndTrustsTheCheckpointOnFirstUse()
    {
        using var cli = await LoggedInAsync();
        var (subject, receiptId) = await LoggedChangeAsync(cli);
        var bundle = await ExportAsync(cli, subject, "member.zip");

        var verified = await VerifyAsync(cli, bundle);

        Assert.True(verified.Exit == 0, verified.ToString());
        Assert.Contains("verified: 1 receipt(s) of pilotdeck.local/tenants/demo", verified.Out);
        Assert.Contains("trusted on first use", verified.Err);
        var checkpoint = Checkpoint.ParseNoteText(CheckpointIn(bundle).Split("\n\n")[0] + "\n");
        Assert.Equal(checkpoint.TreeSize, new TrustedCheckpoints(cli.ConfigDirectory).TrustedSize("pilotdeck.local/tenants/demo"));
        using var archive = ZipFile.OpenRead(bundle);
        Assert.NotNull(archive.GetEntry($"receipts/{receiptId}.txt"));
    }

    [Fact]
    public async Task Verify_OneByteChangedInAReceipt_IsRejectedNamingTheReceiptAndWhy()
    {
        using var cli = await LoggedInAsync();
        var (subject, receiptId) = await LoggedChangeAsync(cli);
        var bundle = await ExportAsync(cli, subject, "altered-receipt.zip");
        Alter(bundle, $"receipts/{receiptId}.txt", bytes => bytes[Encoding.UTF8.GetString(bytes).IndexOf("actor ", StringComparison.Ordinal) + 7] ^= 1);

        var verified = await VerifyAsync(cli, bundle);

        Assert.Equal(ReceiptsCommand.NotVerified, verified.Exit);
        Assert.Contains($"FAILED receipt {receiptId}: its id does not match its text", verified.Out);
        Assert.False(File.Exists(new TrustedCheckpoints(cli.ConfigDirectory).Path));
    }

    [Fact]
    public async Task Verify_OneByteChangedInTheCheckpoint_IsRejectedNamingTheCheckpoint()
    {
        using var cli = await LoggedInAsync();
        var (subject, _) = await LoggedChangeAsync(cli);
        var bundle = await ExportAsync(cli, subject, "altered-checkpoint.zip");
        Alter(bundle, "checkpoint.txt", bytes => bytes[Encoding.UTF8.GetString(bytes).IndexOf('\n') + 1] ^= 1);

        var verified = await VerifyAsync(cli, bundle);

        Assert.Equal(ReceiptsCommand.NotVerified, verified.Exit);
        Assert.Contains("FAILED checkpoint.txt: does not verify with the key", verified.Out);
    }

    [Fact]
    public async Task Verify_ANewerCheckpoint_IsAcceptedWithTheConsistencyProofExportAskedFor_AndRefusedWithout()
    {
        using var cli = await LoggedInAsync();
        var (first, _) = await LoggedChangeAsync(cli);
        Assert.Equal(0, (await VerifyAsync(cli, await ExportAsync(cli, first, "older.zip"))).Exit);
        var trustedSize = new TrustedCheckpoints(cli.ConfigDirectory).TrustedSize("pilotdeck.local/tenants/demo");
        var (second, _) = await LoggedChangeAsync(cli);

        // Another CLI trusts nothing yet, so its export carries no consistency proof.
        using var stranger = await LoggedInAsync();
        var unproven = await VerifyAsync(cli, await ExportAsync(stranger, second, "unproven.zip"));
        var proven = await VerifyAsync(cli, await ExportAsync(cli, second, "proven.zip"));

        Assert.Equal(ReceiptsCommand.NotVerified, unproven.Exit);
        Assert.Contains($"REFUSED: the checkpoint (size", unproven.Out);
        Assert.Contains($"without a consistency proof from size {trustedSize}", unproven.Out);
        Assert.True(proven.Exit == 0, proven.ToString());
        Assert.Contains("consistent with the checkpoint trusted before", proven.Out);
        Assert.True(new TrustedCheckpoints(cli.ConfigDirectory).TrustedSize("pilotdeck.local/tenants/demo") > trustedSize);
    }

    [Fact]
    public async Task Verify_AgainstAForgedCheckpointOfTheSameSize_ReportsAForkAndWritesBothCheckpoints()
    {
        using var cli = await LoggedInAsync();
        var (subject, _) = await LoggedChangeAsync(cli);
        var bundle = await ExportAsync(cli, subject, "fork.zip");
        var genuine = Checkpoint.ParseNoteText(CheckpointIn(bundle).Split("\n\n")[0] + "\n");
        var forged = await SignedByTheLogAsync(genuine.TreeSize, LogHash.OfLeaf("another history"u8));
        var store = new TrustedCheckpoints(cli.ConfigDirectory);
        store.Trust(genuine.Origin, (await VerifierKeyAsync()), forged, genuine.TreeSize);
        var evidence = Path.Combine(_work.FullName, "evidence");

        var verified = await VerifyAsync(cli, bundle, "--evidence-dir", evidence);

        Assert.Equal(ReceiptsCommand.NotVerified, verified.Exit);
        Assert.Contains($"FORK in {genuine.Origin}: two signed checkpoints of size {genuine.TreeSize} have different roots", verified.Out);
        Assert.Equal(forged, await File.ReadAllTextAsync(Path.Combine(evidence, $"fork-trusted-checkpoint-{genuine.TreeSize}.txt")));
        Assert.Equal(CheckpointIn(bundle), await File.ReadAllTextAsync(Path.Combine(evidence, $"fork-bundle-checkpoint-{genuine.TreeSize}.txt")));
        Assert.Equal(forged, store.Get(genuine.Origin)!.SignedCheckpoint);
    }

    [Fact]
    public async Task Verify_WhenTheConsistencyProofFromAForgedTrustedCheckpointFails_ReportsAFork()
    {
        using var cli = await LoggedInAsync();
        await LoggedChangeAsync(cli);
        var (subject, _) = await LoggedChangeAsync(cli);
        var size = Checkpoint.ParseNoteText(CheckpointIn(await ExportAsync(cli, subject, "probe.zip")).Split("\n\n")[0] + "\n").TreeSize;
        var store = new TrustedCheckpoints(cli.ConfigDirectory);
        store.Trust("pilotdeck.local/tenants/demo", await VerifierKeyAsync(), await SignedByTheLogAsync(size - 1, LogHash.OfLeaf("rewritten"u8)), size - 1);
        var bundle = await ExportAsync(cli, subject, "forked-consistency.zip");

        var verified = await VerifyAsync(cli, bundle, "--evidence-dir", Path.Combine(_work.FullName, "evidence2"));

        Assert.Equal(ReceiptsCommand.NotVerified, verified.Exit);
        Assert.Contains($"the consistency proof from the trusted size {size - 1}", verified.Out);
        Assert.True(File.Exists(Path.Combine(_work.FullName, "evidence2", $"fork-trusted-checkpoint-{size - 1}.txt")));
    }

    [Fact]
    public async Task Tail_PrintsAReceiptOnceItIsSequenced_AndEndsCleanlyOnCtrlC()
    {
        using var cli = await LoggedInAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(8));
        var tail = cli.RunAsync(stop.Token, "receipts", "tail");
        await Task.Delay(1500);
        var (subject, receiptId) = await LoggedChangeAsync(cli);

        var result = await tail;

        Assert.True(result.Exit == 0, result.ToString());
        var line = Assert.Single(result.Out.Split('\n'), l => l.Contains(subject, StringComparison.Ordinal));
        Assert.EndsWith("\t" + receiptId, line);
        Assert.Contains("/CreateMember\t", line);
    }

    private async Task<string> VerifierKeyAsync()
    {
        await using var scope = Host.Services.CreateTenantScope(Host.TenantId);
        return (await scope.ServiceProvider.GetRequiredService<TenantLogKeys>().FindVerifierKeyAsync(CancellationToken.None))!;
    }
}
