using System.CommandLine;
using Grpc.Core;

namespace Pilotdeck.Cli.Policy;

/// <summary>
/// <c>--approval ID</c> on every command whose action the tenant's policy may hold for approval:
/// the approved request's id, sent as the <c>pilotdeck-approval-id</c> header (docs/policy.md).
/// </summary>
public static class ApprovalHeader
{
    public static Option<string?> CreateOption() => new("--approval")
    {
        Description = "Run an action the policy held for approval: the approved request's id (see `pilotdeck approvals list`). Repeat the command exactly as first given.",
    };

    public static Metadata? Of(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { Length: > 0 } id ? new Metadata { { "pilotdeck-approval-id", id } } : null;
}
