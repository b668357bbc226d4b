using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Tests.Infrastructure;

public sealed class ApiProblemTests
{
    [Fact]
    public void From_FieldViolations_PlacesKnownFieldsAndListsTheRest()
    {
        var exception = Error(StatusCode.InvalidArgument, "FIELD_INVALID", "Invalid request", ("lifetime_days", "must be between 0 (never expires) and 3650"), ("color", "is not a field we know"));
        var modelState = new ModelStateDictionary();

        var problem = ApiProblem.From(exception, modelState, new FieldMap().Add("lifetime_days", "Input.LifetimeDays", "Lifetime"));

        Assert.Equal("Some of what you entered needs fixing.", problem.Title);
        Assert.Equal("FIELD_INVALID", problem.Reason);
        Assert.Equal("Lifetime must be between 0 (never expires) and 3650.", Assert.Single(modelState["Input.LifetimeDays"]!.Errors).ErrorMessage);
        Assert.Equal("color is not a field we know.", Assert.Single(problem.Unplaced));
    }

    [Fact]
    public void From_RoleInsufficient_SaysSoInPlainWords()
    {
        var problem = ApiProblem.From(Error(StatusCode.PermissionDenied, "ROLE_INSUFFICIENT", "This method needs the Admin role or higher."));

        Assert.Equal("Your role in this tenant does not allow this.", problem.Title);
        Assert.Equal("This method needs the Admin role or higher.", problem.Detail);
    }

    [Fact]
    public void IsShowable_Unauthenticated_IsLeftToTheSignInRedirect()
    {
        Assert.False(ApiProblem.IsShowable(Error(StatusCode.Unauthenticated, "TOKEN_EXPIRED", "expired")));
        Assert.True(ApiProblem.IsShowable(Error(StatusCode.NotFound, "MEMBER_NOT_FOUND", "gone")));
    }

    private static RpcException Error(StatusCode code, string reason, string message, params (string Field, string Description)[] violations)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.Add(Any.Pack(new Google.Rpc.ErrorInfo { Reason = reason, Domain = "pilotdeck" }));
        if (violations.Length > 0)
        {
            var badRequest = new Google.Rpc.BadRequest();
            badRequest.FieldViolations.AddRange(violations.Select(v => new Google.Rpc.BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
            status.Details.Add(Any.Pack(badRequest));
        }

        return status.ToRpcException();
    }
}
