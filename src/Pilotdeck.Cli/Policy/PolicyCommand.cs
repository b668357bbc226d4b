using System.CommandLine;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Contracts.Policy.V1;

namespace Pilotdeck.Cli.Policy;

/// <summary><c>pilotdeck policy show | apply | test | decisions</c>: the tenant's policy bundle and the decisions taken under it (docs/policy.md).</summary>
public static class PolicyCommand
{
    private static readonly Column<PolicyVersion>[] VersionColumns =
    [
        new("version", v => v.Version),
        new("sha256", v => v.Sha256),
        new("rule_count", v => v.RuleCount),
        new("author", v => v.Author),
        new("create_time", v => v.CreateTime?.ToDateTimeOffset()),
    ];

    private static readonly Column<Decision>[] DecisionColumns =
    [
        new("decision_id", d => d.DecisionId),
        new("create_time", d => d.CreateTime?.ToDateTimeOffset()),
        new("action", d => d.Action),
        new("subject", d => d.Subject),
        new("actor", d => d.Actor),
        new("effect", d => d.Effect),
        new("rule_id", d => d.RuleId),
        new("bundle_version", d => d.BundleVersion),
        new("approval_id", d => d.ApprovalId),
    ];

    private static readonly Column<DecisionChange>[] ChangeColumns =
    [
        new("decision_id", c => c.Decision.DecisionId),
        new("action", c => c.Decision.Action),
        new("subject", c => c.Decision.Subject),
        new("effect", c => c.Decision.Effect),
        new("rule_id", c => c.Decision.RuleId),
        new("new_effect", c => c.NewEffect),
        new("new_rule_id", c => c.NewRuleId),
    ];

    private static readonly Column<TestPolicyResponse>[] TestColumns =
    [
        new("effect", t => t.Effect),
        new("rule_id", t => t.RuleId),
        new("reason", t => t.Reason),
        new("approver_role", t => t.ApproverRole),
        new("approvals_required", t => t.ApprovalsRequired == 0 ? null : t.ApprovalsRequired),
    ];

    public static Command Create(ApiContext api) => new("policy", "The tenant's policy: the rules governed actions pass, and the decisions taken (docs/policy.md).")
    {
        Show(api),
        Apply(api),
        Test(api),
        Decisions(api),
        Versions(api),
    };

    private static Command Show(ApiContext api)
    {
        var version = new Option<int>("--version") { Description = "A past version; default the one in force." };
        var output = Renderer.CreateOption(withCsv: false);
        var command = new Command("show", "Print the bundle in force (or --version N) as YAML; its version and hash go to stderr.") { version, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var policy = (await client.Policy.GetPolicyAsync(new GetPolicyRequest { Version = parse.GetValue(version) }, cancellationToken: token)).Policy;
            if (Renderer.FormatOf(parse, output) == OutputFormat.Json)
            {
                Renderer.Record(writer, OutputFormat.Json, policy, [.. VersionColumns, new("text", v => v.Text)]);
                return ExitCodes.Ok;
            }

            // The YAML alone on stdout, so `policy show > bundle.yaml` gives a file `policy apply` takes back.
            parse.InvocationConfiguration.Error.WriteLine($"# version {policy.Version}, sha256 {policy.Sha256}, by {policy.Author}");
            writer.Write(policy.Text);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Apply(ApiContext api)
    {
        var file = new Argument<FileInfo>("file") { Description = "The bundle's YAML file (docs/policy.md)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate, and list the recent decisions it would change; apply nothing." };
        var last = new Option<int>("--last") { Description = "How many recent decisions the dry run re-evaluates (default 100, at most 1000)." };
        var approval = ApprovalHeader.CreateOption();
        var output = Renderer.CreateOption();
        var command = new Command("apply", "Validate a bundle and make it the tenant's next policy version.") { file, dryRun, last, approval, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ApplyPolicyRequest
            {
                Text = await File.ReadAllTextAsync(parse.GetValue(file)!.FullName, token), ValidateOnly = parse.GetValue(dryRun), CompareLast = parse.GetValue(last),
            };
            var response = await client.Policy.ApplyPolicyAsync(request, ApprovalHeader.Of(parse, approval), cancellationToken: token);
            var format = Renderer.FormatOf(parse, output);
            if (request.ValidateOnly)
            {
                parse.InvocationConfiguration.Error.WriteLine($"Valid ({response.Policy.RuleCount} rules, sha256 {response.Policy.Sha256}). Of the last {response.Compared} decisions, {response.Changes.Count} would change:");
                Renderer.List(writer, format, response.Changes, ChangeColumns, "None would change.");
                return ExitCodes.Ok;
            }

            Renderer.Record(writer, format, response.Policy, VersionColumns);
            parse.InvocationConfiguration.Error.WriteLine($"Applied as version {response.Policy.Version}; {response.Changes.Count} of the last {response.Compared} decisions would have gone differently.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Test(ApiContext api)
    {
        var action = new Option<string>("--action") { Description = "The governed action, e.g. members.create.", Required = true };
        var role = new Option<string?>("--role") { Description = "The caller's role (VIEWER … OWNER); omit to test as an API client." };
        var scopes = new Option<string[]>("--scope") { Description = "An API client's scope (repeatable).", AllowMultipleArgumentsPerToken = true };
        var attributes = new Option<string[]>("--attr")
        {
            Description = "A request attribute as name=value; the value is read as JSON when it is JSON (3, true, [\"a.write\"]), else as text (repeatable).",
            AllowMultipleArgumentsPerToken = true,
        };
        var subject = new Option<string?>("--subject") { Description = "The resource, e.g. members/<user id>." };
        var file = new Option<FileInfo?>("--file") { Description = "Test this candidate bundle instead of the one in force." };
        var output = Renderer.CreateOption();
        var command = new Command("test", "What the policy decides for one hypothetical action; records nothing.") { action, role, scopes, attributes, subject, file, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new TestPolicyRequest
            {
                Action = parse.GetValue(action)!,
                CallerRole = parse.GetValue(role)?.ToUpperInvariant() ?? "",
                Subject = parse.GetValue(subject) ?? "",
                Attributes = ParseAttributes(parse.GetValue(attributes) ?? []),
                Text = parse.GetValue(file) is { } candidate ? await File.ReadAllTextAsync(candidate.FullName, token) : "",
            };
            request.CallerScopes.AddRange(parse.GetValue(scopes) ?? []);
            var response = await client.Policy.TestPolicyAsync(request, cancellationToken: token);
            Renderer.Record(writer, Renderer.FormatOf(parse, output), response, TestColumns);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Decisions(ApiContext api)
    {
        var action = new Option<string?>("--action") { Description = "Only this governed action." };
        var effect = new Option<string?>("--effect") { Description = "Only allow, deny or require_approval." };
        effect.AcceptOnlyFromAmong("allow", "deny", "require_approval");
        var limit = Paging.LimitOption("newest first", 50);
        var output = Renderer.CreateOption();
        var command = new Command("decisions", "List the policy decisions taken, newest first.") { action, effect, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListDecisionsRequest
            {
                Action = parse.GetValue(action) ?? "",
                Effect = parse.GetValue(effect) switch { "allow" => Effect.Allow, "deny" => Effect.Deny, "require_approval" => Effect.RequireApproval, _ => Effect.Unspecified },
            };
            var decisions = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                request.PageSize = size;
                request.PageToken = pageToken;
                var page = await client.Policy.ListDecisionsAsync(request, cancellationToken: token);
                return (page.Decisions.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), decisions, DecisionColumns, "No decisions yet.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Versions(ApiContext api)
    {
        var output = Renderer.CreateOption();
        var command = new Command("versions", "List the tenant's policy versions, newest first.") { output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var versions = await Paging.CollectAllAsync(async (size, pageToken) =>
            {
                var page = await client.Policy.ListPolicyVersionsAsync(new ListPolicyVersionsRequest { PageSize = size, PageToken = pageToken }, cancellationToken: token);
                return (page.Versions.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), versions, VersionColumns);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Struct ParseAttributes(IEnumerable<string> pairs)
    {
        var attributes = new Struct();
        foreach (var pair in pairs)
        {
            var cut = pair.IndexOf('=', StringComparison.Ordinal);
            if (cut <= 0)
            {
                throw new CliException(ExitCodes.Usage, $"--attr '{pair}' is not name=value.");
            }

            var text = pair[(cut + 1)..];
            attributes.Fields[pair[..cut]] = LooksLikeJson(text) ? Value.Parser.ParseJson(text) : Value.ForString(text);
        }

        return attributes;
    }

    private static bool LooksLikeJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
