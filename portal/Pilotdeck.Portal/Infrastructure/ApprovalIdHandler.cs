using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Pilotdeck.Portal.Infrastructure;

/// <summary>
/// Sends the approval id a portal form carries (the field <c>_ApprovalField</c> renders once the
/// policy held a submission) as the <c>pilotdeck-approval-id</c> header of the API calls that
/// submission makes, so any governed form can run an approved action without code of its own.
/// Only a form the request has already read is used: the handler never reads a body itself.
/// </summary>
public sealed class ApprovalIdHandler(HttpContext http) : DelegatingHandler
{
    // Its own name: pages with approval fields of their own (erasure, subject export, the approvals
    // inbox) post "approvalId" and send or use it themselves.
    public const string FormField = "heldApprovalId";
    public const string Header = "pilotdeck-approval-id";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.Contains(Header) && http.Features.Get<IFormFeature>()?.Form?[FormField].ToString().Trim() is { Length: > 0 } approvalId)
        {
            request.Headers.TryAddWithoutValidation(Header, approvalId);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
