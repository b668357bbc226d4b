using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Client;
using Pilotdeck.Client.Receipts;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Receipts;

/// <summary>
/// The tenant's receipts, newest first, filtered by actor, action or subject (one subject is that
/// resource's timeline). Each logged receipt is checked here, in the portal, against the log's
/// signed checkpoint with <see cref="ReceiptProof"/>: a receipt row altered in the database, or a
/// proof that does not lead to the signed root, shows as failed.
/// </summary>
public sealed class IndexModel(PortalOptions options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Subject { get; set; }

    public GetLogInfoResponse? Log { get; private set; }

    public GetCheckpointResponse? Checkpoint { get; private set; }

    public IReadOnlyList<ReceiptRow> Rows { get; private set; } = [];

    public PagerViewModel? Pager { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            Log = await Api.Receipts.GetLogInfoAsync(new GetLogInfoRequest(), cancellationToken: Aborted);
            Checkpoint = await Api.Receipts.GetCheckpointAsync(new GetCheckpointRequest(), cancellationToken: Aborted);
            var request = new ListReceiptsRequest { PageSize = options.PageSize, PageToken = PageToken ?? "", Actor = Actor ?? "", Action = Action ?? "", Subject = Subject ?? "" };
            var page = await Api.Receipts.ListReceiptsAsync(request, cancellationToken: Aborted);
            // One at a time: the session's client may renew its token, and renewals update the sign-in cookie.
            var rows = new List<ReceiptRow>(page.Receipts.Count);
            foreach (var receipt in page.Receipts)
            {
                rows.Add(await VerifyAsync(receipt));
            }

            Rows = rows;
            Pager = new PagerViewModel("/Receipts/Index", PageToken, page.NextPageToken, new Dictionary<string, string?>
            {
                ["actor"] = Actor,
                ["action"] = Action,
                ["subject"] = Subject,
            });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }

    private async Task<ReceiptRow> VerifyAsync(Receipt receipt)
    {
        if (!receipt.HasLogIndex || string.IsNullOrEmpty(Log?.VerifierKey))
        {
            return ReceiptRow.From(receipt, ReceiptCheck.Pending, null);
        }

        try
        {
            var proven = await Api.Receipts.GetReceiptAsync(new GetReceiptRequest { ReceiptId = receipt.ReceiptId }, cancellationToken: Aborted);
            var verification = ReceiptProof.Verify(proven, Log.VerifierKey);
            return ReceiptRow.From(receipt, verification.Verified ? ReceiptCheck.Verified : ReceiptCheck.Failed, verification.Problem);
        }
        catch (RpcException ex) when (ErrorReasons.Parse(PilotdeckErrors.ReasonOf(ex)) == ErrorReason.ReceiptPending)
        {
            return ReceiptRow.From(receipt, ReceiptCheck.Pending, null);
        }
    }
}

public enum ReceiptCheck
{
    Pending,
    Verified,
    Failed,
}

/// <summary>One receipt as the table shows it.</summary>
public sealed record ReceiptRow(string ReceiptId, DateTimeOffset? Created, string Action, string Subject, string Actor, long? LogIndex, ReceiptCheck Check, string? Problem)
{
    public static ReceiptRow From(Receipt receipt, ReceiptCheck check, string? problem) => new(
        receipt.ReceiptId, receipt.CreateTime?.ToDateTimeOffset(), receipt.Action, receipt.Subject, receipt.Actor,
        receipt.HasLogIndex ? receipt.LogIndex : null, check, problem);

    /// <summary>The method name without its service, e.g. CreateMember.</summary>
    public string ShortAction => Action[(Action.LastIndexOf('/') + 1)..];
}
