using System.Security.Cryptography;
using System.Text;
using Cel;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static Pilotdeck.Server.Features.Policy.BundleFields;

namespace Pilotdeck.Server.Features.Policy;

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
    internal static readonly string[] RoleNames = ["VIEWER", "ANALYST", "FACILITATOR", "ADMIN", "OWNER"];
    internal const string ApiClientRole = "API_CLIENT";

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
                if (BundleRules.ReadRule(node, environment, problems) is { } rule)
                {
                    rules.Add(rule);
                }
            }
        }

        BundleRules.CheckDuplicatesAndReachability(rules, problems);
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
}
