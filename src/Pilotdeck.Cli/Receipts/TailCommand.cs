using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using Pilotdeck.Cli.Api;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Receipts.V1;

namespace Pilotdeck.Cli.Receipts;

/// <summary><c>pilotdeck receipts tail</c>: prints receipts as the sequencer puts them into the log, in log order, until Ctrl-C.</summary>
public static class TailCommand
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    public static Command Create(ApiContext api)
    {
        var from = new Option<long?>("--from") { Description = "Start at this log index (0: the whole log). Default: only receipts logged from now on." };
        var command = new Command("tail", "Print new receipts as they are sequenced into the log (index, time, action, subject, actor, id), until Ctrl-C.") { from };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            long? next = parse.GetValue(from);
            if (next < 0)
            {
                throw new CliException(ExitCodes.Usage, "--from must not be negative.");
            }

            try
            {
                while (true)
                {
                    var size = (await client.Receipts.GetCheckpointAsync(new GetCheckpointRequest(), cancellationToken: token)).TreeSize;
                    next ??= size;
                    if (size > next)
                    {
                        foreach (var receipt in await LoggedAsync(client, next.Value, size, token))
                        {
                            writer.WriteLine(string.Join('\t', receipt.LogIndex.ToString(CultureInfo.InvariantCulture),
                                receipt.CreateTime.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                                receipt.Action, receipt.Subject, receipt.Actor, receipt.ReceiptId));
                        }

                        await writer.FlushAsync(token);
                        next = size;
                    }

                    await Task.Delay(Period, token);
                }
            }
            catch (Exception ex) when (token.IsCancellationRequested && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                return ExitCodes.Ok;
            }
        }, ct));
        return command;
    }

    /// <summary>
    /// The receipts with log indices in [from, to), in log order. The list is newest first by time,
    /// which is nearly log order, so this reads pages until it has all of them.
    /// </summary>
    private static async Task<List<Receipt>> LoggedAsync(PilotdeckClient client, long from, long to, CancellationToken token)
    {
        var found = new List<Receipt>();
        var request = new ListReceiptsRequest { PageSize = 200 };
        do
        {
            var page = await client.Receipts.ListReceiptsAsync(request, cancellationToken: token);
            found.AddRange(page.Receipts.Where(r => r.HasLogIndex && r.LogIndex >= from && r.LogIndex < to));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0 && found.Count < to - from);

        return [.. found.OrderBy(r => r.LogIndex)];
    }
}
