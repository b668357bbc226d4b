using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Cli.Admin;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Client;
using Pilotdeck.Client.Receipts;
using Pilotdeck.Contracts.Receipts.V1;

namespace Pilotdeck.Cli.Receipts;

/// <summary><c>pilotdeck receipts list | show | tail | export | verify</c>: the tenant's receipts, one receipt or an evidence bundle checked against the signed log.</summary>
public static class ReceiptsCommand
{
    /// <summary>Exit code of <c>show</c> and <c>verify</c> when the receipt or bundle does not verify: not a gRPC status, so scripts can tell it apart.</summary>
    public const int NotVerified = 20;

    private static readonly Column<Receipt>[] Columns =
    [
        new("receipt_id", r => r.ReceiptId),
        new("create_time", r => Time(r.CreateTime)),
        new("action", r => r.Action),
        new("subject", r => r.Subject),
        new("actor", r => r.Actor),
        new("log_index", r => r.HasLogIndex ? r.LogIndex : null),
    ];

    private static readonly Column<(Receipt Receipt, ReceiptVerification Verification)>[] ShowColumns =
    [
        .. Columns.Select(c => new Column<(Receipt Receipt, ReceiptVerification Verification)>(c.Name, shown => c.Value(shown.Receipt))),
        new("verified", shown => shown.Verification.Verified),
        new("checkpoint_size", shown => shown.Verification.TreeSize),
        new("problem", shown => shown.Verification.Problem),
    ];

    public static Command Create(ApiContext api) => new("receipts", "The tenant's receipts: every change, in a log anyone can verify (docs/receipts.md).")
    {
        List(api),
        Show(api),
        TailCommand.Create(api),
        EvidenceCommands.Export(api),
        EvidenceCommands.Verify(api),
    };

    private static Command List(ApiContext api)
    {
        var subject = new Option<string?>("--subject") { Description = "Only this resource, e.g. members/<user id>: its timeline." };
        var action = new Option<string?>("--action") { Description = "Only this action: the RPC's full name or its method name alone (CreateMember), or a job's verb." };
        var actor = ActorOption();
        var limit = Paging.LimitOption("newest first", 50);
        var output = Renderer.CreateOption();
        var command = new Command("list", "List the tenant's receipts, newest first.") { subject, action, actor, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListReceiptsRequest { Subject = parse.GetValue(subject) ?? "", Action = parse.GetValue(action) ?? "", Actor = await ActorAsync(client, parse.GetValue(actor), token) };
            var receipts = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                request.PageSize = size;
                request.PageToken = pageToken;
                var page = await client.Receipts.ListReceiptsAsync(request, cancellationToken: token);
                return (page.Receipts.AsEnumerable(), page.NextPageToken);
            });

            Renderer.List(writer, Renderer.FormatOf(parse, output), receipts, Columns, "No receipts.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    internal static Option<string?> ActorOption() =>
        new("--actor") { Description = "Only this actor: a member's email, user:<id>, client:<client id> or system:<job>." };

    /// <summary>The actor id a filter means: a member's email becomes user:&lt;id&gt; (receipts hold ids only); anything else is taken as it is.</summary>
    internal static async Task<string> ActorAsync(PilotdeckClient client, string? actor, CancellationToken cancellationToken) =>
        actor is { } typed && typed.Contains('@', StringComparison.Ordinal) && !typed.Contains(':', StringComparison.Ordinal)
            ? "user:" + await AdminCommand.ResolveMemberAsync(client, typed, cancellationToken)
            : actor ?? "";

    private static Command Show(ApiContext api)
    {
        var id = new Argument<string>("receipt-id") { Description = "The receipt's id (from 'receipts list')." };
        var key = new Option<string?>("--key")
        {
            Description = "The log's verifier key to check with, pinned from a source you trust. Default: the key the server publishes, which only shows the server agrees with itself.",
        };
        var output = Renderer.CreateOption();
        var command = new Command("show", "Show a receipt and check it offline against the log's signed checkpoint: signature, canonical bytes, inclusion proof.")
        {
            id, key, output,
        };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var proven = await client.Receipts.GetReceiptAsync(new GetReceiptRequest { ReceiptId = parse.GetValue(id)! }, cancellationToken: token);
            var verifierKey = parse.GetValue(key);
            if (verifierKey is null)
            {
                verifierKey = (await client.Receipts.GetLogInfoAsync(new GetLogInfoRequest(), cancellationToken: token)).VerifierKey;
                parse.InvocationConfiguration.Error.WriteLine("note: checked with the key the server publishes; pin it with --key to check against a key you trust.");
            }

            var verification = ReceiptProof.Verify(proven, verifierKey);
            Renderer.Record(writer, Renderer.FormatOf(parse, output), (proven.Receipt, verification), ShowColumns);
            return verification.Verified ? ExitCodes.Ok : NotVerified;
        }, ct));
        return command;
    }

    private static DateTimeOffset? Time(Timestamp? timestamp) => timestamp?.ToDateTimeOffset();
}
