using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Policy;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Policy;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Policy;

/// <summary>pilotdeck.policy.v1.PolicyService: the tenant's bundle, its versions, applying and testing bundles, and the decisions taken.</summary>
public sealed class PolicyService(PilotdeckDbContext db, PolicyStore store, PolicyBundleCache cache, PolicyGate gate, Pager pager, ChangeReceipts receipts)
    : Contracts.Policy.V1.PolicyService.PolicyServiceBase
{
    private const int DefaultCompared = 100;
    private const int MaxCompared = 1000;

    public override async Task<GetPolicyResponse> GetPolicy(GetPolicyRequest request, ServerCallContext context)
    {
        if (request.Version < 0)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("version", "must be a version number, or 0 for the one in force"));
        }

        var version = request.Version == 0 ? (await store.CurrentAsync(context.CancellationToken)).Version : request.Version;
        var record = await store.FindAsync(version, context.CancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.PolicyVersionNotFound, "Policy version", version.ToString(CultureInfo.InvariantCulture));
        return new GetPolicyResponse { Policy = ToContract(record, withText: true) };
    }

    public override async Task<ListPolicyVersionsResponse> ListPolicyVersions(ListPolicyVersionsRequest request, ServerCallContext context)
    {
        var page = pager.Read(request.PageSize, request.PageToken, "");
        var query = store.Versions();
        if (page.After is { } after)
        {
            var below = int.Parse(after, CultureInfo.InvariantCulture);
            query = query.Where(b => b.Version < below);
        }

        var rows = await query.Take(page.FetchCount).ToListAsync(context.CancellationToken);
        if (rows.Count == 0 && page.After is null && await store.FindAsync(1, context.CancellationToken) is { } seeded)
        {
            rows.Add(seeded);
        }

        var (items, next) = pager.Page(page, rows, b => b.Version.ToString(CultureInfo.InvariantCulture));
        var response = new ListPolicyVersionsResponse { NextPageToken = next };
        response.Versions.AddRange(items.Select(b => ToContract(b, withText: false)));
        return response;
    }

    public override async Task<ApplyPolicyResponse> ApplyPolicy(ApplyPolicyRequest request, ServerCallContext context)
    {
        if (request.CompareLast is < 0 or > MaxCompared)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("compare_last", $"must be between 1 and {MaxCompared} (0: {DefaultCompared})"));
        }

        var bundle = Validate(request.Text);
        var response = new ApplyPolicyResponse();
        await CompareAsync(bundle, request.CompareLast == 0 ? DefaultCompared : request.CompareLast, response, context.CancellationToken);
        if (request.ValidateOnly)
        {
            response.Policy = new PolicyVersion { Sha256 = bundle.Sha256, Text = bundle.Text, RuleCount = bundle.Rules.Count };
            return response;
        }

        var current = await store.CurrentAsync(context.CancellationToken);
        await gate.AuthorizeAsync(GovernedActions.PolicyApply, "policy", new Dictionary<string, object?>
        {
            ["version"] = (long)current.Version + 1,
            ["rule_count"] = (long)bundle.Rules.Count,
        }, request, context);

        var applied = await receipts.RecordAsync(context.Method, p => "policy/versions/" + p.Version.ToString(CultureInfo.InvariantCulture), async () =>
        {
            var record = await store.AddAsync(bundle, receipts.Actor, context.CancellationToken);
            await db.SaveChangesAsync(context.CancellationToken);
            return ToContract(record, withText: true);
        }, context.CancellationToken);
        response.Policy = applied;
        return response;
    }

    public override async Task<TestPolicyResponse> TestPolicy(TestPolicyRequest request, ServerCallContext context)
    {
        if (!GovernedActions.Samples.ContainsKey(request.Action))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("action", $"must be a governed action: {string.Join(", ", GovernedActions.Samples.Keys)}"));
        }

        if (request.CallerRole.Length > 0 && !PolicyBundle.RoleNames.Contains(request.CallerRole))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("caller_role", "must be VIEWER, ANALYST, FACILITATOR, ADMIN or OWNER, or empty for an API client"));
        }

        var bundle = request.Text.Length > 0 ? Validate(request.Text) : (await store.CurrentAsync(context.CancellationToken)).Bundle;
        var attributes = request.Attributes?.Fields.ToDictionary(f => f.Key, f => PolicyInput.FromValue(f.Value)) ?? [];
        var isClient = request.CallerRole.Length == 0;
        var input = new PolicyInput(request.Action, request.Subject, isClient ? "client" : "user", "test", isClient ? null : request.CallerRole, [.. request.CallerScopes], attributes);
        var outcome = bundle.Evaluate(input);
        var response = new TestPolicyResponse { Effect = ToContract(outcome.Effect), RuleId = outcome.RuleId, Reason = outcome.Reason };
        if (outcome.Effect == PolicyEffect.RequireApproval && outcome.Rule is { } rule)
        {
            response.ApproverRole = rule.ApproverRole.ToApiName();
            response.ApprovalsRequired = rule.ApprovalsRequired;
        }

        return response;
    }

    public override async Task<ListDecisionsResponse> ListDecisions(ListDecisionsRequest request, ServerCallContext context)
    {
        var effect = request.Effect switch
        {
            Effect.Unspecified => null,
            Effect.Allow => PolicyEffect.Allow.StoredName(),
            Effect.Deny => PolicyEffect.Deny.StoredName(),
            Effect.RequireApproval => PolicyEffect.RequireApproval.StoredName(),
            _ => throw ApiErrors.InvalidArgument(new FieldViolation("effect", $"unknown effect {(int)request.Effect}")),
        };
        var page = pager.Read(request.PageSize, request.PageToken, $"action={request.Action};effect={effect}");
        var query = db.PolicyDecisions.AsNoTracking();
        if (request.Action.Length > 0)
        {
            query = query.Where(d => d.Action == request.Action);
        }

        if (effect is not null)
        {
            query = query.Where(d => d.Effect == effect);
        }

        if (page.After is { } after)
        {
            var (created, id) = NewestFirstKey.Parse(after);
            query = query.Where(d => d.CreatedAt < created || (d.CreatedAt == created && string.Compare(d.Id, id) < 0));
        }

        var rows = await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (items, next) = pager.Page(page, rows, d => new NewestFirstKey(d.CreatedAt, d.Id).ToString());
        var response = new ListDecisionsResponse { NextPageToken = next };
        response.Decisions.AddRange(items.Select(ToContract));
        return response;
    }

    // Re-evaluates the latest decisions under the candidate and reports those whose outcome changes.
    private async Task CompareAsync(PolicyBundle candidate, int last, ApplyPolicyResponse response, CancellationToken cancellationToken)
    {
        var recent = await db.PolicyDecisions.AsNoTracking().OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(last).ToListAsync(cancellationToken);
        response.Compared = recent.Count;
        foreach (var decision in recent)
        {
            var outcome = candidate.Evaluate(PolicyInput.FromJson(decision.InputJson));
            if (outcome.Effect.StoredName() != decision.Effect || outcome.RuleId != decision.RuleId)
            {
                response.Changes.Add(new DecisionChange { Decision = ToContract(decision), NewEffect = ToContract(outcome.Effect), NewRuleId = outcome.RuleId });
            }
        }
    }

    private PolicyBundle Validate(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("text", "is required: the bundle's YAML"));
        }

        var (bundle, problems) = PolicyBundle.Parse(text);
        if (bundle is null)
        {
            throw ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.PolicyBundleInvalid,
                "The policy bundle does not validate: " + string.Join("; ", problems.Select(p => $"line {p.Line}: {p.Message}")),
                new Dictionary<string, string> { ["problems"] = problems.Count.ToString(CultureInfo.InvariantCulture) },
                problems.Select(p => new FieldViolation($"text:{p.Line}", p.Message)));
        }

        return cache.Get(bundle.Text);
    }

    private static PolicyVersion ToContract(PolicyBundleRecord record, bool withText) => new()
    {
        Version = record.Version,
        Sha256 = record.Sha256,
        Text = withText ? record.Text : "",
        Author = record.Author,
        CreateTime = Timestamp.FromDateTimeOffset(record.CreatedAt),
        RuleCount = record.RuleCount,
    };

    private static Decision ToContract(PolicyDecisionRecord d) => new()
    {
        DecisionId = d.Id,
        Action = d.Action,
        Subject = d.Subject,
        Actor = d.Actor,
        BundleVersion = d.BundleVersion,
        BundleSha256 = d.BundleSha256,
        RuleId = d.RuleId,
        Effect = PolicyEffects.FromStoredName(d.Effect) is { } effect ? ToContract(effect) : Effect.Unspecified,
        Reason = d.Reason,
        ApprovalId = d.ApprovalId ?? "",
        CreateTime = Timestamp.FromDateTimeOffset(d.CreatedAt),
    };

    private static Effect ToContract(PolicyEffect effect) => effect switch
    {
        PolicyEffect.Allow => Effect.Allow,
        PolicyEffect.RequireApproval => Effect.RequireApproval,
        _ => Effect.Deny,
    };
}
