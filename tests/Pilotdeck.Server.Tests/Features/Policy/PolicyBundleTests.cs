using Pilotdeck.Data.Identity;
using Pilotdeck.Server.Features.Policy;

namespace Pilotdeck.Server.Tests.Features.Policy;

/// <summary>The bundle language on its own: validation with lines, first-match evaluation, and failing closed.</summary>
public sealed class PolicyBundleTests
{
    private static PolicyInput Input(string action, string? role = "ADMIN", IReadOnlyDictionary<string, object?>? attributes = null, string kind = "user") =>
        new(action, "x/1", kind, "u1", kind == "client" ? null : role, ["members.read"], attributes ?? GovernedActions.Samples[action]);

    private static PolicyBundle Valid(string text)
    {
        var (bundle, problems) = PolicyBundle.Parse(text);
        Assert.True(bundle is not null, string.Join("\n", problems.Select(p => $"{p.Line}: {p.Message}")));
        return bundle;
    }

    [Fact]
    public void DefaultBundle_Validates()
    {
        var bundle = Valid(PolicyStore.DefaultText);

        Assert.Equal(PolicyEffect.Deny, bundle.Evaluate(Input(GovernedActions.MemberCreate, "ADMIN", new Dictionary<string, object?> { ["role"] = "OWNER" })).Effect);
        Assert.Equal(PolicyEffect.Allow, bundle.Evaluate(Input(GovernedActions.MemberCreate, "OWNER", new Dictionary<string, object?> { ["role"] = "OWNER" })).Effect);
    }

    [Fact]
    public void Evaluate_FirstMatchingRuleDecides_RolesIncludingApiClients()
    {
        var bundle = Valid("""
            rules:
              - id: clients-never-delete
                actions: [members.delete]
                roles: [API_CLIENT]
                effect: deny
                reason: people only
              - id: big-clients-need-two
                actions: ["api-clients.*"]
                when: size(request.scopes) > 1 && request.lifetime_days > 30
                effect: require_approval
                approvers: {role: OWNER, count: 2, expires_after_hours: 24}
                reason: broad and long-lived
              - id: rest
                effect: allow
                reason: fine
            """);

        Assert.Equal("clients-never-delete", bundle.Evaluate(Input(GovernedActions.MemberDelete, kind: "client")).RuleId);
        Assert.Equal("rest", bundle.Evaluate(Input(GovernedActions.MemberDelete, "ADMIN")).RuleId);
        var broad = bundle.Evaluate(Input(GovernedActions.ApiClientCreate, attributes: new Dictionary<string, object?>
        {
            ["scopes"] = new List<object?> { "a.read", "b.write" }, ["lifetime_days"] = 90L,
        }));
        Assert.Equal((PolicyEffect.RequireApproval, MemberRole.Owner, 2, TimeSpan.FromHours(24)), (broad.Effect, broad.Rule!.ApproverRole, broad.Rule.ApprovalsRequired, broad.Rule.ApprovalLifetime));
        Assert.Equal("rest", bundle.Evaluate(Input(GovernedActions.ApiClientCreate)).RuleId);
    }

    [Fact]
    public void Evaluate_NoRuleMatches_Denies()
    {
        var bundle = Valid("""
            rules:
              - id: only-members
                actions: ["members.*"]
                effect: allow
                reason: members
            """);

        var outcome = bundle.Evaluate(Input(GovernedActions.PolicyApply));

        Assert.Equal((PolicyEffect.Deny, "-"), (outcome.Effect, outcome.RuleId));
    }

    [Fact]
    public void Evaluate_ConditionFailingAtRunTime_FailsClosed()
    {
        // Validates (the sample has one scope, so the index is never reached) but fails for two scopes.
        var bundle = Valid("""
            rules:
              - id: third-scope
                actions: [api-clients.create]
                when: size(request.scopes) > 1 && request.scopes[2] == 'x'
                effect: allow
                reason: odd
              - id: rest
                effect: allow
                reason: fine
            """);

        var outcome = bundle.Evaluate(Input(GovernedActions.ApiClientCreate, attributes: new Dictionary<string, object?>
        {
            ["scopes"] = new List<object?> { "a", "b" }, ["lifetime_days"] = 1L,
        }));

        Assert.Equal((PolicyEffect.Deny, "third-scope"), (outcome.Effect, outcome.RuleId));
        Assert.Contains("could not be evaluated", outcome.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rules: [\n  {id: a, effect: allow, reason: x\n", 3, "not valid YAML")]
    [InlineData("rules:\n  - id: a\n    effect: require_approval\n    reason: x\n", 2, "needs `approvers")]
    [InlineData("rules:\n  - id: a\n    effect: allow\n    reason: x\n  - id: a\n    actions: [members.create]\n    when: caller.role == 'OWNER'\n    effect: deny\n    reason: y\n", 5, "used twice")]
    [InlineData("rules:\n  - id: a\n    effect: allow\n    reason: x\n    approvers: {role: ADMIN}\n", 5, "only applies to require_approval")]
    [InlineData("rules:\n  - id: a\n    roles: [SUPERUSER]\n    effect: allow\n    reason: x\n", 3, "'SUPERUSER' is not a role")]
    [InlineData("rules:\n  - id: a\n    when: request.role\n    effect: allow\n    reason: x\n", 3, "must be true or false")]
    [InlineData("version: 3\nrules:\n  - id: a\n    effect: allow\n    reason: x\n", 1, "unknown field 'version'")]
    public void Parse_Problem_IsReportedAtItsLine(string text, int line, string message)
    {
        var (bundle, problems) = PolicyBundle.Parse(text);

        Assert.Null(bundle);
        Assert.Contains(problems, p => p.Line == line && p.Message.Contains(message, StringComparison.Ordinal));
    }
}
