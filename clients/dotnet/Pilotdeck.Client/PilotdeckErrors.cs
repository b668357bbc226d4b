using Google.Rpc;
using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;

namespace Pilotdeck.Client;

/// <summary>
/// Reads the structured details Pilotdeck puts on every error (a google.rpc.Status in
/// <c>grpc-status-details-bin</c>): the ErrorInfo reason to branch on, its metadata, and the
/// BadRequest field violations of validation failures. The reasons are catalogued in docs/api/error-reasons.md.
/// </summary>
public static class PilotdeckErrors
{
    /// <summary>The ErrorInfo reason, e.g. <c>TOKEN_EXPIRED</c> or <c>MEMBER_NOT_FOUND</c>; null when the error carries no ErrorInfo (e.g. a transport failure).</summary>
    public static string? ReasonOf(RpcException exception)
    {
        var reason = ErrorInfoOf(exception)?.Reason;
        return string.IsNullOrEmpty(reason) ? null : reason;
    }

    /// <summary>
    /// The reason as the contract's enum (protos/pilotdeck/api/v1/error_reason.proto), to switch on;
    /// <see cref="ErrorReason.Unspecified"/> when there is none or the server sent one this SDK does not know.
    /// </summary>
    public static ErrorReason ErrorReasonOf(RpcException exception) => ErrorReasons.Parse(ReasonOf(exception));

    /// <summary>The ErrorInfo metadata (e.g. <c>required_role</c>, <c>id</c>); empty when there is none.</summary>
    public static IReadOnlyDictionary<string, string> MetadataOf(RpcException exception) =>
        ErrorInfoOf(exception)?.Metadata.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Every BadRequest field violation as (proto field path, description), in the server's order; empty when there are none.</summary>
    public static IReadOnlyList<(string Field, string Description)> FieldViolationsOf(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations
            .Select(v => (v.Field, v.Description))
            .ToList() ?? [];
    }

    private static ErrorInfo? ErrorInfoOf(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.GetRpcStatus()?.GetDetail<ErrorInfo>();
    }
}
