using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Api.V1;
using Grpc.Core;

namespace Pilotdeck.Server.Platform.Errors;

/// <summary>
/// Every error the API returns: a google.rpc.Status with an ErrorInfo (reason, domain "pilotdeck",
/// metadata) and, for validation failures, a BadRequest listing each offending field. The reasons
/// are the contract's <see cref="ErrorReason"/> (protos/pilotdeck/api/v1/error_reason.proto), which
/// the SDK, CLI and docs/api/error-reasons.md use too; a test keeps the doc complete.
/// </summary>
public static class ApiErrors
{
    public const string Domain = "pilotdeck";

    /// <summary>The details an error carries: what a JSON writer must know to write them out of their Any.</summary>
    public static readonly TypeRegistry DetailTypes = TypeRegistry.FromMessages(Google.Rpc.ErrorInfo.Descriptor, Google.Rpc.BadRequest.Descriptor);

    private static readonly JsonFormatter StatusJson = new(JsonFormatter.Settings.Default.WithTypeRegistry(DetailTypes));

    public static RpcException Create(StatusCode code, ErrorReason reason, string message, IReadOnlyDictionary<string, string>? metadata = null, IEnumerable<FieldViolation>? violations = null)
    {
        var info = new Google.Rpc.ErrorInfo { Reason = ErrorReasons.Name(reason), Domain = Domain };
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
        Create(StatusCode.InvalidArgument, ErrorReason.FieldInvalid,
            "Invalid request: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")),
            new Dictionary<string, string> { ["fields"] = string.Join(",", violations.Select(v => v.Field)) },
            violations);

    public static RpcException NotFound(ErrorReason reason, string what, string id) =>
        Create(StatusCode.NotFound, reason, $"{what} '{id}' was not found in this tenant.", new Dictionary<string, string> { ["id"] = id });

    /// <summary>
    /// Answers an HTTP request with the error as the JSON routes answer theirs: the google.rpc.Status
    /// as JSON, for a request refused before the transcoder (a route no one serves, a body that is not JSON).
    /// The HTTP status is the caller's, already set or set here.
    /// </summary>
    public static Task WriteJsonAsync(HttpResponse response, RpcException error, int? httpStatus = null)
    {
        if (httpStatus is { } status)
        {
            response.StatusCode = status;
        }

        response.ContentType = "application/json; charset=utf-8";
        return response.WriteAsync(StatusJson.Format(error.GetRpcStatus()!), response.HttpContext.RequestAborted);
    }

    /// <summary>Reads the reason back from an exception; for tests.</summary>
    public static string? ReasonOf(RpcException exception) =>
        exception.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason;

    /// <summary>Reads the ErrorInfo metadata back from an exception; for tests.</summary>
    public static IReadOnlyDictionary<string, string> MetadataOf(RpcException exception) =>
        (IReadOnlyDictionary<string, string>?)exception.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Metadata ?? new Dictionary<string, string>();
}

/// <summary>One field that failed validation, named by its proto field path.</summary>
public sealed record FieldViolation(string Field, string Description);
