using Cel;
using Pilotdeck.Data.Identity;

namespace Pilotdeck.Server.Features.Policy;

public enum PolicyEffect
{
    Allow,
    Deny,
    RequireApproval,
}

public static class PolicyEffects
{
    /// <summary>The name stored with a decision and written in bundles.</summary>
    public static string StoredName(this PolicyEffect effect) => effect switch
    {
        PolicyEffect.Allow => "allow",
        PolicyEffect.Deny => "deny",
        _ => "require_approval",
    };

    public static PolicyEffect? FromStoredName(string name) => name switch
    {
        "allow" => PolicyEffect.Allow,
        "deny" => PolicyEffect.Deny,
        "require_approval" => PolicyEffect.RequireApproval,
        _ => null,
    };
}

/// <summary>One rule of a bundle. Null <see cref="Actions"/> or <see cref="Roles"/> match everything.</summary>
public sealed record PolicyRule(
    string Id,
    int Line,
    IReadOnlyList<string>? Actions,
    IReadOnlyList<string>? Roles,
    string? When,
    CelProgramDelegate? Condition,
    PolicyEffect Effect,
    string Reason,
    MemberRole ApproverRole,
    int ApprovalsRequired,
    TimeSpan ApprovalLifetime);

/// <summary>A problem that keeps a bundle from validating, at its line (1-based).</summary>
public sealed record BundleProblem(int Line, string Message);

/// <summary>What the bundle decided for one input, and the rule that decided it (null when none matched).</summary>
public sealed record PolicyOutcome(PolicyEffect Effect, string RuleId, string Reason, PolicyRule? Rule);
