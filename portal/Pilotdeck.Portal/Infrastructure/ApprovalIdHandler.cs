using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Pilotdeck.Portal.Infrastructure;

/// <summary>
/// Sends the approval id a portal form carries (the field <c>_ApprovalField</c> renders once the
/// policy held a submission) as the <c>pilotdeck-approval-id</c> header of the API calls that
/// submission makes, so any governed form can run an approved action without code of its own.
/// Only a form the request has already read is used: the handler never reads a body itself.
/// A form whose submission makes several governed calls, each held under its own approval (the
/// roster's bulk status change), gives each call a key: inside <see cref="ForCall"/> the handler
/// sends that call's field, <c>heldApprovalId[key]</c>, instead.
/// </summary>
public sealed class ApprovalIdHandler(HttpContext http) : DelegatingHandler
{
    // Not "approvalId": the approvals inbox posts that name to decide a request, not to run one.
    public const string FormField = "heldApprovalId";
    public const string Header = "pilotdeck-approval-id";

    private static readonly object CallKey = new();

    /// <summary>The form field of the call named <paramref name="key"/>, or the form's one field without a key.</summary>
    public static string FieldFor(string? key) => key is null ? FormField : $"{FormField}[{key}]";

    /// <summary>Until disposed, this request's API calls carry the approval id posted for <paramref name="key"/> (if any).</summary>
    public static IDisposable ForCall(HttpContext http, string key)
    {
        http.Items[CallKey] = key;
        return new CallScope(http);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var field = FieldFor(http.Items.TryGetValue(CallKey, out var key) ? key as string : null);
        if (!request.Headers.Contains(Header) && http.Features.Get<IFormFeature>()?.Form?[field].ToString().Trim() is { Length: > 0 } approvalId)
        {
            request.Headers.TryAddWithoutValidation(Header, approvalId);
        }

        return base.SendAsync(request, cancellationToken);
    }

    private sealed class CallScope(HttpContext http) : IDisposable
    {
        public void Dispose() => http.Items.Remove(CallKey);
    }
}
