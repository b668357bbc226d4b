using System.Security.Cryptography;
using System.Text;
using Cel;
using Pilotdeck.Data.Identity;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static Pilotdeck.Server.Features.Policy.BundleFields;

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

/// <summary>
/// A tenant's policy bundle (docs/policy.md): YAML holding an ordered list of rules whose conditions
/// are CEL expressions (ADR 0013). <see cref="Parse"/> validates everything it can before a bundle is
/// accepted — unknown fields, unknown actions, conditions that do not compile or read attributes an
/// action lacks, rules an earlier rule makes unreachable — and reports each problem with its line.
/// </summary>
public sealed class PolicyBundle
{
    public const int MaxTextBytes = 256 * 1024;

    private static readonly HashSet<string> TopLevelKeys = ["description", "rules"];
    private static readonly HashSet<string> RuleKeys = ["id", "actions", "roles", "when", "effect", "approvers", "reason"];
    private static readonly HashSet<string> ApproverKeys = ["role", "count", "expires_after_hours"];
    internal static readonly string[] RoleNames = ["VIEWER", "ANALYST", "FACILITATOR", "ADMIN", "OWNER"];
    private const string ApiClientRole = "API_CLIENT";

    private PolicyBundle(string text, IReadOnlyList<PolicyRule> rules)
    {
        Text = text;
        Rules = rules;
        Sha256 = HashOf(text);
    }

    /// <summary>The bundle's text, line ends normalised to LF.</summary>
    public string Text { get; }

    public string Sha256 { get; }

    public IReadOnlyList<PolicyRule> Rules { get; }

    public static string Normalise(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    public static string HashOf(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalise(text))));

    /// <summary>Parses and validates; returns the bundle, or null with every problem found.</summary>
    public static (PolicyBundle? Bundle, IReadOnlyList<BundleProblem> Problems) Parse(string text)
    {
        text = Normalise(text);
        var problems = new List<BundleProblem>();
        if (Encoding.UTF8.GetByteCount(text) > MaxTextBytes)
        {
            return (null, [new BundleProblem(1, $"the bundle is larger than {MaxTextBytes / 1024} KiB")]);
        }

        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            return (null, [new BundleProblem((int)ex.Start.Line, "not valid YAML: " + (ex.InnerException?.Message ?? ex.Message))]);
        }

        if (yaml.Documents.Count != 1 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            return (null, [new BundleProblem(1, "the bundle must be one YAML mapping with a `rules` list")]);
        }

        CheckKeys(root, TopLevelKeys, "bundle", problems);
        var rules = new List<PolicyRule>();
        if (!root.Children.TryGetValue("rules", out var rulesNode) || rulesNode is not YamlSequenceNode list || list.Children.Count == 0)
        {
            problems.Add(new BundleProblem(LineOf(root), "`rules` must be a non-empty list"));
        }
        else
        {
            var environment = new CelEnvironment(null, null);
            foreach (var node in list.Children)
            {
                if (ReadRule(node, environment, problems) is { } rule)
                {
                    rules.Add(rule);
                }
            }
        }

        CheckDuplicatesAndReachability(rules, problems);
        return problems.Count > 0 ? (null, problems.OrderBy(p => p.Line).ToList()) : (new PolicyBundle(text, rules), problems);
    }

    /// <summary>The first rule that matches decides; when none does, the action is denied.</summary>
    public PolicyOutcome Evaluate(PolicyInput input)
    {
        var variables = input.ToVariables();
        var callerRole = input.CallerKind == "client" ? ApiClientRole : input.CallerRole;
        foreach (var rule in Rules)
        {
            if (rule.Actions is { } actions && !actions.Any(a => GovernedActions.Matches(a, input.Action)))
            {
                continue;
            }

            if (rule.Roles is { } roles && !roles.Contains(callerRole ?? ""))
            {
                continue;
            }

            if (rule.Condition is { } condition)
            {
                bool matched;
                try
                {
                    matched = condition.Invoke(variables) is true;
                }
                catch (Exception ex)
                {
                    // Fail closed: a condition that cannot be evaluated never lets an action through.
                    return new PolicyOutcome(PolicyEffect.Deny, rule.Id, $"rule '{rule.Id}' could not be evaluated: {ex.Message}", rule);
                }

                if (!matched)
                {
                    continue;
                }
            }

            return new PolicyOutcome(rule.Effect, rule.Id, rule.Reason, rule);
        }

        return new PolicyOutcome(PolicyEffect.Deny, "-", "no rule of the tenant's policy matches this action", null);
    }

    private static PolicyRule? ReadRule(YamlNode node, CelEnvironment environment, List<BundleProblem> problems)
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
            if (role != ApiClientRole && !RoleNames.Contains(role))
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
        MemberRole? role = roleText is null ? null : RoleNames.Contains(roleText) ? MemberRoles.Parse(roleText.ToLowerInvariant()) : null;
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

    private static void CheckDuplicatesAndReachability(List<PolicyRule> rules, List<BundleProblem> problems)
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

/// <summary>What the bundle decided for one input, and the rule that decided it (null when none matched).</summary>
public sealed record PolicyOutcome(PolicyEffect Effect, string RuleId, string Reason, PolicyRule? Rule);
