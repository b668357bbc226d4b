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

    public ReceiptTable Table => new(Rows, "Receipts of this tenant, newest first", Actors);

    public async Task OnGetAsync()
    {
        try
        {
            Log = await Api.Receipts.GetLogInfoAsync(new GetLogInfoRequest(), cancellationToken: Aborted);
            Checkpoint = await Api.Receipts.GetCheckpointAsync(new GetCheckpointRequest(), cancellationToken: Aborted);
            await NameActorsAsync();
            var request = new ListReceiptsRequest { PageSize = options.PageSize, PageToken = PageToken ?? "", Actor = Actors.IdOf(Actor), Action = Action ?? "", Subject = Subject ?? "" };
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

    /// <summary>
    /// The evidence bundle of the current filters, as a download. A POST: exporting leaves a receipt.
    /// A refused export (too many receipts, nothing signed yet) shows its problem on the page.
    /// </summary>
    public async Task<IActionResult> OnPostEvidenceAsync()
    {
        try
        {
            await NameActorsAsync();
            var request = new ExportEvidenceBundleRequest { Subject = Subject ?? "", Action = Action ?? "", Actor = Actors.IdOf(Actor) };
            using var call = Api.Receipts.ExportEvidenceBundle(request, cancellationToken: Aborted);
            using var zip = new MemoryStream();
            await foreach (var chunk in call.ResponseStream.ReadAllAsync(Aborted))
            {
                zip.Write(chunk.Data.Span);
            }

            return File(zip.ToArray(), "application/zip", $"evidence-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.zip");
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await OnGetAsync();
            ShowProblem(ex);
            return Page();
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
            return ReceiptRow.Checked(receipt, ReceiptProof.Verify(proven, Log.VerifierKey));
        }
        catch (RpcException ex) when (ErrorReasons.Parse(PilotdeckErrors.ReasonOf(ex)) == ErrorReason.ReceiptPending)
        {
            return ReceiptRow.From(receipt, ReceiptCheck.Pending, null);
        }
    }
}
