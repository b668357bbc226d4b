using Grpc.Core;

namespace Pilotdeck.Cli.Api;

/// <summary>
/// Exit codes of the API commands: 0 for success, 1 for usage errors (as System.CommandLine
/// reports them), and otherwise the number of the gRPC status the command failed with, so scripts
/// can branch on e.g. 5 (NOT_FOUND), 7 (PERMISSION_DENIED), 14 (UNAVAILABLE) or 16 (UNAUTHENTICATED).
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;

    public const int Usage = 1;

    public static int For(StatusCode code) => (int)code;
}
