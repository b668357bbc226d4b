using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pilotdeck.Cli.Api;
using Pilotdeck.Client.Receipts;
using Pilotdeck.Contracts.Receipts.V1;

namespace Pilotdeck.Cli.Receipts;

/// <summary>
/// <c>pilotdeck receipts export | verify</c>: an evidence bundle from the server, and its offline
/// check (<see cref="EvidenceBundleVerifier"/>) against the checkpoint this CLI trusted before.
/// </summary>
public static class EvidenceCommands
{
    public static Command Export(ApiContext api)
    {
        var subject = new Option<string?>("--subject") { Description = "Only this resource, e.g. members/<user id>." };
        var action = new Option<string?>("--action") { Description = "Only this action: the RPC's full name or its method name alone (CreateMember), or a job's verb." };
        var actor = ReceiptsCommand.ActorOption();
        var since = new Option<DateTimeOffset?>("--since") { Description = "Only receipts created at or after this time (ISO 8601)." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Only receipts created before this time (ISO 8601)." };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Where to write the bundle (a .zip).", Required = true };
        var command = new Command("export", "Download an evidence bundle of the matching receipts, with proofs against the latest checkpoint and a consistency proof from the checkpoint this CLI trusts.")
        {
            subject, action, actor, since, until, output,
        };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var origin = (await client.Receipts.GetLogInfoAsync(new GetLogInfoRequest(), cancellationToken: token)).Origin;
            var request = new ExportEvidenceBundleRequest
            {
                Subject = parse.GetValue(subject) ?? "", Action = parse.GetValue(action) ?? "", Actor = await ReceiptsCommand.ActorAsync(client, parse.GetValue(actor), token),
                StartTime = parse.GetValue(since) is { } start ? Timestamp.FromDateTimeOffset(start) : null,
                EndTime = parse.GetValue(until) is { } end ? Timestamp.FromDateTimeOffset(end) : null,
                TrustedTreeSize = new TrustedCheckpoints(api.Environment.ConfigDirectory).TrustedSize(origin),
            };
            var target = parse.GetValue(output)!;
            // Into a temporary file first: a refused or broken export leaves no partial bundle behind.
            var temporary = target.FullName + ".part";
            string receiptId = "";
            try
            {
                await using (var file = File.Create(temporary))
                {
                    using var call = client.Receipts.ExportEvidenceBundle(request, cancellationToken: token);
                    await foreach (var chunk in call.ResponseStream.ReadAllAsync(token))
                    {
                        receiptId = chunk.ExportReceiptId.Length > 0 ? chunk.ExportReceiptId : receiptId;
                        await file.WriteAsync(chunk.Data.Memory, token);
                    }
                }

                File.Move(temporary, target.FullName, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }

            writer.WriteLine($"wrote {target.FullName} ({new FileInfo(target.FullName).Length} bytes); the export's receipt is {receiptId}");
            writer.WriteLine($"check it offline with: pilotdeck receipts verify {target.Name}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static Command Verify(ApiContext api)
    {
        var bundle = new Argument<FileInfo>("bundle") { Description = "The evidence bundle (.zip) to check." };
        var key = new Option<string?>("--key") { Description = "The verifier key to check with. Default: the one trusted before for the bundle's log, else the bundle's own (trusted on first use)." };
        var evidence = new Option<DirectoryInfo?>("--evidence-dir") { Description = "Where to write both signed checkpoints when a fork is found. Default: the current directory." };
        var command = new Command("verify", "Check an evidence bundle fully offline: checkpoint signature, each receipt's id and inclusion proof, and consistency with the checkpoint trusted before.")
        {
            bundle, key, evidence,
        };
        command.SetAction((parse, _) => ApiContext.RunAsync(parse, (writer, _) =>
        {
            var path = parse.GetValue(bundle)!;
            if (!path.Exists)
            {
                throw new CliException(ExitCodes.Usage, $"{path.FullName} does not exist.");
            }

            var store = new TrustedCheckpoints(api.Environment.ConfigDirectory);
            EvidenceVerification result;
            using (var stream = path.OpenRead())
            {
                result = EvidenceBundleVerifier.Verify(stream, store.Get, parse.GetValue(key));
            }

            return Task.FromResult(Report(result, store, parse.GetValue(evidence)?.FullName ?? Directory.GetCurrentDirectory(), writer, parse.InvocationConfiguration.Error));
        }));
        return command;
    }

    private static int Report(EvidenceVerification result, TrustedCheckpoints store, string evidenceDirectory, TextWriter output, TextWriter error)
    {
        foreach (var problem in result.Problems)
        {
            output.WriteLine("FAILED " + problem);
        }

        if (result.Trust is { Outcome: TrustOutcome.Fork } fork && result.Origin is { } origin)
        {
            var trustedPath = Path.Combine(evidenceDirectory, $"fork-trusted-checkpoint-{store.TrustedSize(origin)}.txt");
            var bundlePath = Path.Combine(evidenceDirectory, $"fork-bundle-checkpoint-{result.TreeSize}.txt");
            Directory.CreateDirectory(evidenceDirectory);
            File.WriteAllText(trustedPath, store.Get(origin)!.SignedCheckpoint);
            File.WriteAllText(bundlePath, result.SignedCheckpoint);
            output.WriteLine($"FORK in {origin}: {fork.Reason}. Both signed checkpoints are evidence: {trustedPath} and {bundlePath}");
        }
        else if (result.Trust is { Outcome: TrustOutcome.Unproven } unproven)
        {
            output.WriteLine($"REFUSED: {unproven.Reason}. Export again with this CLI (it asks for the proof), or verify with the trusted-checkpoints file the exporter used.");
        }

        if (!result.Verified)
        {
            error.WriteLine($"not verified: {result.Problems.Count} problem(s){(result.Trust is { Refused: true } ? " and the checkpoint is refused" : "")}.");
            return ReceiptsCommand.NotVerified;
        }

        if (result.Trust!.Outcome == TrustOutcome.FirstUse)
        {
            error.WriteLine($"note: first bundle of {result.Origin}: its key and checkpoint are now trusted on first use; compare the key with one you got another way: {result.VerifierKey}");
        }
        else if (result.Trust.Outcome == TrustOutcome.Older)
        {
            error.WriteLine("warning: " + result.Trust.Reason + ".");
        }

        if (result.Trust.Advances)
        {
            store.Trust(result.Origin!, result.VerifierKey!, result.SignedCheckpoint!, result.TreeSize);
        }

        output.WriteLine($"verified: {result.ReceiptCount} receipt(s) of {result.Origin} in its signed checkpoint of size {result.TreeSize} ({Describe(result.Trust.Outcome)})");
        return ExitCodes.Ok;
    }

    private static string Describe(TrustOutcome outcome) => outcome switch
    {
        TrustOutcome.FirstUse => "trusted on first use",
        TrustOutcome.Same => "the checkpoint already trusted",
        TrustOutcome.Extends => "consistent with the checkpoint trusted before, which it now replaces",
        _ => "older than the trusted checkpoint; consistency not checked",
    };
}
