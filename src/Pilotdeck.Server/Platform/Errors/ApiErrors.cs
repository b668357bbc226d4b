using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Pilotdeck.Server.Platform.Errors;

/// <summary>
/// Every error the API returns: a google.rpc.Status with an ErrorInfo (reason, domain "pilotdeck",
/// metadata) and, for validation failures, a BadRequest listing each offending field. Every reason
/// here is catalogued in docs/api/error-reasons.md; add both together.
/// </summary>
public static class ApiErrors
{
    public const string Domain = "pilotdeck";

    public static RpcException Create(StatusCode code, string reason, string message, IReadOnlyDictionary<string, string>? metadata = null, IEnumerable<FieldViolation>? violations = null)
    {
        var info = new Google.Rpc.ErrorInfo { Reason = reason, Domain = Domain };
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                info.Metadata[key] = value;
            }
        }

        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.Add(Any.Pack(info));
        var list = violations?.ToList();
        if (list is { Count: > 0 })
        {
            var badRequest = new Google.Rpc.BadRequest();
            badRequest.FieldViolations.AddRange(list.Select(v => new Google.Rpc.BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
            status.Details.Add(Any.Pack(badRequest));
        }

        return status.ToRpcException();
    }

    public static RpcException InvalidArgument(params FieldViolation[] violations) =>
        Create(StatusCode.InvalidArgument, Reasons.FieldInvalid,
            "Invalid request: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")),
            new Dictionary<string, string> { ["fields"] = string.Join(",", violations.Select(v => v.Field)) },
            violations);

    public static RpcException NotFound(string reason, string what, string id) =>
        Create(StatusCode.NotFound, reason, $"{what} '{id}' was not found in this tenant.", new Dictionary<string, string> { ["id"] = id });

    /// <summary>Reads the reason back from an exception; for tests, the CLI and SDK callers.</summary>
    public static string? ReasonOf(RpcException exception) =>
        exception.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason;
}

/// <summary>One field that failed validation, named by its proto field path.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>The machine-readable reasons; stable strings clients branch on.</summary>
public static class Reasons
{
    public const string TokenMissing = "TOKEN_MISSING";
    public const string TokenInvalid = "TOKEN_INVALID";
    public const string TokenExpired = "TOKEN_EXPIRED";
    public const string PrincipalDisabled = "PRINCIPAL_DISABLED";
    public const string RoleInsufficient = "ROLE_INSUFFICIENT";
    public const string ScopeMissing = "SCOPE_MISSING";
    public const string FieldInvalid = "FIELD_INVALID";
    public const string PageTokenInvalid = "PAGE_TOKEN_INVALID";
    public const string UpdateMaskInvalid = "UPDATE_MASK_INVALID";
    public const string RequestIdReused = "REQUEST_ID_REUSED";
    public const string MemberNotFound = "MEMBER_NOT_FOUND";
    public const string MemberExists = "MEMBER_EXISTS";
    public const string ApiClientNotFound = "API_CLIENT_NOT_FOUND";
    public const string PasswordRejected = "PASSWORD_REJECTED";
    public const string ManifestMissing = "MANIFEST_MISSING";
    public const string ManifestInvalid = "MANIFEST_INVALID";
    public const string CatalogInvalid = "CATALOG_INVALID";
    public const string UploadTooLarge = "UPLOAD_TOO_LARGE";
    public const string UploadStalled = "UPLOAD_STALLED";
    public const string AnalysisNotFound = "ANALYSIS_NOT_FOUND";
}
