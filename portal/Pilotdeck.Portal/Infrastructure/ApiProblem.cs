using Microsoft.AspNetCore.Mvc.ModelBinding;
using Pilotdeck.Client;
using Grpc.Core;

namespace Pilotdeck.Portal.Infrastructure;

/// <summary>
/// An API error turned into something a person can act on: a plain-language title, the server's
/// own message, and the machine reason (docs/api/error-reasons.md) so support can look it up.
/// </summary>
public sealed record ApiProblem(string Title, string Detail, string? Reason, IReadOnlyList<string> Unplaced)
{
    /// <summary>The API's status code: what the page's own HTTP status follows (<see cref="PortalPageFilter"/>).</summary>
    public StatusCode Code { get; init; }

    /// <summary>Set when the tenant's policy holds the action for approval (or the request named is still waiting): the request to get approved.</summary>
    public string? ApprovalId { get; init; }

    /// <summary>The role that may approve it, as the policy names it (only when the action was first held).</summary>
    public string? ApproverRole { get; init; }

    /// <summary>
    /// Set when the form's submission made several governed calls: the call this approval is for
    /// (its <see cref="ApprovalIdHandler.ForCall"/> key) and how the form names it to the person.
    /// </summary>
    public (string Key, string Label)? ApprovalFor { get; init; }

    /// <summary>Unauthenticated means the session is over; that is handled by redirecting to sign-in, not shown.</summary>
    public static bool IsShowable(RpcException exception) => exception.StatusCode != StatusCode.Unauthenticated;

    /// <summary>
    /// Builds the problem and puts each field violation next to its form field when
    /// <paramref name="fields"/> knows the field; the rest stay in <see cref="Unplaced"/>.
    /// </summary>
    public static ApiProblem From(RpcException exception, ModelStateDictionary? modelState = null, FieldMap? fields = null)
    {
        var reason = PilotdeckErrors.ReasonOf(exception);
        var unplaced = new List<string>();
        foreach (var (field, description) in PilotdeckErrors.FieldViolationsOf(exception))
        {
            if (modelState is not null && fields?.Find(field) is { } target)
            {
                modelState.AddModelError(target.Key, Sentence(target.Label, description));
            }
            else
            {
                unplaced.Add(Sentence(field, description));
            }
        }

        // Held for approval, or submitted under an approval still waiting: the form keeps the request's id.
        var metadata = PilotdeckErrors.MetadataOf(exception);
        var approval = reason == "APPROVAL_REQUIRED" || (reason == "APPROVAL_NOT_PENDING" && metadata.GetValueOrDefault("state") == "pending") ? metadata : null;
        return new ApiProblem(TitleFor(exception.StatusCode, reason), exception.Status.Detail, reason, unplaced)
        {
            Code = exception.StatusCode,
            ApprovalId = approval?.GetValueOrDefault("approval_id"),
            ApproverRole = approval?.GetValueOrDefault("approver_role"),
        };
    }

    private static string TitleFor(StatusCode code, string? reason) => (code, reason) switch
    {
        (_, "ROLE_INSUFFICIENT") => "Your role in this tenant does not allow this.",
        (_, "SCOPE_MISSING") => "This session lacks the permission this needs.",
        (_, "PASSWORD_REJECTED") => "That password does not meet the password rules.",
        (_, "APPROVAL_REQUIRED") => "Approval required: the tenant's policy holds this until another member approves it.",
        (StatusCode.InvalidArgument, _) => "Some of what you entered needs fixing.",
        (StatusCode.NotFound, _) => "That no longer exists in this tenant.",
        (StatusCode.AlreadyExists, _) => "That already exists.",
        (StatusCode.PermissionDenied, _) => "You are not allowed to do this.",
        (StatusCode.FailedPrecondition, _) => "This cannot be done in the current state.",
        (StatusCode.Unavailable, _) => "The Pilotdeck API is not reachable right now. Try again in a moment.",
        (StatusCode.DeadlineExceeded, _) => "The Pilotdeck API took too long to answer. Try again in a moment.",
        (StatusCode.ResourceExhausted, _) => "Too many requests. Wait a moment and try again.",
        _ => "Something went wrong talking to the Pilotdeck API.",
    };

    /// <summary>Server descriptions read as predicates ("is required"); prefixing the label makes them sentences.</summary>
    private static string Sentence(string label, string description) =>
        description.Length > 0 && char.IsLower(description[0]) ? $"{label} {description}." : description;
}

/// <summary>Which form field shows the violations of which proto field path.</summary>
public sealed class FieldMap
{
    private readonly Dictionary<string, (string Key, string Label)> _fields = new(StringComparer.Ordinal);

    /// <param name="protoField">The violation's field path, e.g. <c>lifetime_days</c>.</param>
    /// <param name="key">The model-state key of the input, e.g. <c>Input.LifetimeDays</c>.</param>
    /// <param name="label">The input's visible label, used to turn "is required" into a sentence.</param>
    public FieldMap Add(string protoField, string key, string label)
    {
        _fields[protoField] = (key, label);
        return this;
    }

    internal (string Key, string Label)? Find(string protoField) =>
        _fields.TryGetValue(protoField, out var target) ? target : null;
}
