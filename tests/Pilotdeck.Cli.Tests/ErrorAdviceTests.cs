using Pilotdeck.Cli.Api;
using Pilotdeck.Contracts.Api.V1;

namespace Pilotdeck.Cli.Tests;

public sealed class ErrorAdviceTests
{
    [Fact]
    public void ByReason_EveryServerReason_HasAdvice()
    {
        // A reason added to the contract without advice here would leave CLI users with a bare error.
        Assert.All(ErrorReasons.All, reason => Assert.True(ErrorAdvice.ByReason.ContainsKey(reason), $"no advice for {reason} in ErrorAdvice.ByReason"));
    }

    [Theory]
    [InlineData(Grpc.Core.StatusCode.NotFound, "NOT_FOUND")]
    [InlineData(Grpc.Core.StatusCode.PermissionDenied, "PERMISSION_DENIED")]
    [InlineData(Grpc.Core.StatusCode.Unauthenticated, "UNAUTHENTICATED")]
    public void StatusName_StatusCode_IsTheProtocolSpelling(Grpc.Core.StatusCode code, string expected) =>
        Assert.Equal(expected, ErrorAdvice.StatusName(code));
}
