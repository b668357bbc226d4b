using Cel;
using Pilotdeck.Data.Identity;
using YamlDotNet.RepresentationModel;
using static Pilotdeck.Server.Features.Policy.BundleFields;

namespace Pilotdeck.Server.Features.Policy;

/// <summary>
/// Reads and checks a bundle's rules (<see cref="PolicyBundle.Parse"/>): each rule's fields, its
/// approvers and its condition, then the list as a whole — duplicate ids and rules an earlier rule
/// makes unreachable. Every problem is recorded with its line.
/// </summary>
internal static class BundleRules
{
    private static readonly HashSet<string> RuleKeys = ["id", "actions", "roles", "when", "effect", "approvers", "reason"];
    private static readonly HashSet<string> ApproverKeys = ["role", "count", "expires_after_hours"];

    internal static PolicyRule? ReadRule(YamlNode node, CelEnvironment environment, List<BundleProblem> problems)
    {
        var line = LineOf(node);
        if (node is not YamlMappingNode map)
        {
            problems.Add(new BundleProblem(line, "each rule must be a mapping"));
            return null;
        }

        var before = problems.Count;
        CheckKeys(map, RuleKeys, "rule", problems);
        var id = Scalar(map, "id", problems, required: true);
        var reason = Scalar(map, "reason", problems, required: true);
        var effectText = Scalar(map, "effect", problems, required: true);
        var when = Scalar(map, "when", problems, required: false);
        var actions = StringList(map, "actions", problems);
        var roles = StringList(map, "roles", problems);
        var effect = effectText is null ? null
            : PolicyEffects.FromStoredName(effectText) ?? Problem(problems, map, "effect", $"effect must be allow, deny or require_approval, not '{effectText}'");

        foreach (var pattern in actions ?? [])
        {
            if (!GovernedActions.Matching(pattern).Any())
            {
                Problem(problems, map, "actions", $"'{pattern}' names no governed action (known: {string.Join(", ", GovernedActions.Samples.Keys)})");
            }
        }

        foreach (var role in roles ?? [])
        {
            if (role != PolicyBundle.ApiClientRole && !PolicyBundle.RoleNames.Contains(role))
            {
                Problem(problems, map, "roles", $"'{role}' is not a role (VIEWER, ANALYST, FACILITATOR, ADMIN, OWNER or API_CLIENT)");
            }
        }

        var (approverRole, count, lifetime) = ReadApprovers(map, effect, problems);
        var condition = when is null ? null : Compile(when, map, actions, environment, problems);
        if (problems.Count > before || id is null || reason is null || effect is null)
        {
            return null;
        }

        return new PolicyRule(id, line, actions, roles, when, condition, effect.Value, reason, approverRole, count, lifetime);
    }

    private static (MemberRole Role, int Count, TimeSpan Lifetime) ReadApprovers(YamlMappingNode rule, PolicyEffect? effect, List<BundleProblem> problems)
    {
        var fallback = (MemberRole.Admin, 1, TimeSpan.FromHours(72));
        if (!rule.Children.TryGetValue("approvers", out var node))
        {
            if (effect == PolicyEffect.RequireApproval)
            {
                problems.Add(new BundleProblem(LineOf(rule), "a require_approval rule needs `approvers: {role: ..., count: ...}`"));
            }

            return fallback;
        }

        if (effect != PolicyEffect.RequireApproval)
        {
            problems.Add(new BundleProblem(LineOf(node), "`approvers` only applies to require_approval rules"));
        }

        if (node is not YamlMappingNode map)
        {
            problems.Add(new BundleProblem(LineOf(node), "`approvers` must be a mapping"));
            return fallback;
        }

        CheckKeys(map, ApproverKeys, "approvers", problems);
        var roleText = Scalar(map, "role", problems, required: true);
        MemberRole? role = roleText is null ? null : PolicyBundle.RoleNames.Contains(roleText) ? MemberRoles.Parse(roleText.ToLowerInvariant()) : null;
        if (roleText is not null && role is null)
        {
            Problem(problems, map, "role", $"'{roleText}' is not a role (VIEWER … OWNER)");
        }

        var count = Integer(map, "count", 1, 1, 10, problems);
        var hours = Integer(map, "expires_after_hours", 72, 1, 24 * 90, problems);
        return (role ?? MemberRole.Admin, count, TimeSpan.FromHours(hours));
    }

    // Compiles the condition, then evaluates it against every action it can apply to, so a typo in
    // an attribute name or a non-boolean condition is found now rather than when an action is denied.
    private static CelProgramDelegate? Compile(string when, YamlMappingNode rule, IReadOnlyList<string>? actions, CelEnvironment environment, List<BundleProblem> problems)
    {
        CelProgramDelegate program;
        try
        {
            program = environment.Compile(when);
        }
        catch (Exception ex)
        {
            Problem(problems, rule, "when", "the condition does not compile: " + ex.Message);
            return null;
        }

        var applicable = actions is null ? GovernedActions.Samples.Keys : actions.SelectMany(GovernedActions.Matching).Distinct();
        foreach (var action in applicable)
        {
            var sample = new PolicyInput(action, "sample/1", "user", "u1", "ADMIN", ["members.read"], GovernedActions.Samples[action]);
            try
            {
                if (program.Invoke(sample.ToVariables()) is not bool)
                {
                    Problem(problems, rule, "when", "the condition must be true or false");
                    return null;
                }
            }
            catch (Exception ex)
            {
                Problem(problems, rule, "when", $"the condition fails for {action}: {ex.Message}");
                return null;
            }
        }

        return program;
    }

    internal static void CheckDuplicatesAndReachability(List<PolicyRule> rules, List<BundleProblem> problems)
    {
        for (var j = 0; j < rules.Count; j++)
        {
            var later = rules[j];
            if (rules.Take(j).FirstOrDefault(r => r.Id == later.Id) is not null)
            {
                problems.Add(new BundleProblem(later.Line, $"rule id '{later.Id}' is used twice"));
            }

            if (rules.Take(j).FirstOrDefault(earlier => Covers(earlier, later)) is { } shadow)
            {
                problems.Add(new BundleProblem(later.Line, $"rule '{later.Id}' can never match: rule '{shadow.Id}' (line {shadow.Line}) matches everything it does"));
            }
        }
    }

    // An earlier rule without a condition whose actions and roles include all of the later rule's.
    private static bool Covers(PolicyRule earlier, PolicyRule later)
    {
        if (earlier.Condition is not null)
        {
            return false;
        }

        var laterActions = later.Actions is null ? GovernedActions.Samples.Keys : later.Actions.SelectMany(GovernedActions.Matching);
        var actionsCovered = earlier.Actions is null || laterActions.All(a => earlier.Actions.Any(p => GovernedActions.Matches(p, a)));
        var rolesCovered = earlier.Roles is null || (later.Roles is not null && later.Roles.All(earlier.Roles.Contains));
        return actionsCovered && rolesCovered;
    }
}
