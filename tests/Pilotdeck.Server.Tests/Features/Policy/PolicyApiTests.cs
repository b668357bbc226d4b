using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Policy;

/// <summary>
/// The policy engine on the real host, per provider: the seeded default, decisions linked from
/// receipts, validation with line numbers, the dry run against past decisions, versions, and
/// tenants that never see each other's policy.
/// </summary>
public abstract class PolicyApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : HostFixture
{
    private readonly TFixture _host;
    private readonly PolicyTestSupport _support;

    protected PolicyApiTests(TFixture host)
    {
        _host = host;
        _support = new PolicyTestSupport(host);
    }

    [Fact]
    public async Task DefaultBundle_DeniesAnAdminMakingAnOwner_AndLinksTheOwnersAllowedChangeToItsDecision()
    {
        await _support.ApplyAsync(_host.Acme, PolicyStore.DefaultText);
        var (admin, _) = await _support.MemberAsync(_host.Acme, TenantRole.Admin);
        var email = $"would-be-owner-{Guid.NewGuid():N}@acme.test";

        var denied = await Assert.ThrowsAsync<RpcException>(() => _support.Identity.CreateMemberAsync(
            new CreateMemberRequest { Email = email, Role = TenantRole.Owner, InitialPassword = "Owner-Password-123" }, admin).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal("POLICY_DENIED", ApiErrors.ReasonOf(denied));
        Assert.Equal("owners-make-owners", ApiErrors.MetadataOf(denied)["rule_id"]);
        var decisions = await _support.Policy.ListDecisionsAsync(new ListDecisionsRequest { Action = GovernedActions.MemberCreate, Effect = Effect.Deny }, await _support.OwnerAsync(_host.Acme));
        Assert.Contains(decisions.Decisions, d => d.DecisionId == ApiErrors.MetadataOf(denied)["decision_id"] && d.RuleId == "owners-make-owners");

        var owner = await _support.OwnerAsync(_host.Acme);
        var created = await _support.Identity.CreateMemberAsync(new CreateMemberRequest { Email = email, Role = TenantRole.Owner, InitialPassword = "Owner-Password-123" }, owner);
        await using var scope = _host.Services.CreateTenantScope("acme");
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var receipt = await db.Receipts.SingleAsync(r => r.Subject == "members/" + created.Member.UserId);
        var decision = await db.PolicyDecisions.SingleAsync(d => d.Id == receipt.DecisionId);
        Assert.Equal(("allow", "allow-the-rest", GovernedActions.MemberCreate), (decision.Effect, decision.RuleId, decision.Action));
        Assert.Equal(PolicyBundleHash(PolicyStore.DefaultText), decision.BundleSha256);
    }

    [Fact]
    public async Task ApplyPolicy_InvalidBundle_NamesEveryProblemWithItsLine()
    {
        const string text = """
            rules:
              - id: first
                effect: allow
                reason: all
                colour: blue
              - id: second
                actions: [members.create, cohorts.delete]
                when: request.role ==
                effect: deny
                reason: unreachable anyway
              - id: third
                when: request.no_such_attribute == 'x'
                effect: maybe
                reason: bad
            """;

        var owner = await _support.OwnerAsync(_host.Acme);

        var ex = await Assert.ThrowsAsync<RpcException>(() => _support.Policy.ApplyPolicyAsync(new ApplyPolicyRequest { Text = text }, owner).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("POLICY_BUNDLE_INVALID", ApiErrors.ReasonOf(ex));
        var violations = ex.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.ToList();
        Assert.Contains(violations, v => v.Field == "text:5" && v.Description.Contains("unknown field 'colour'", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Field == "text:7" && v.Description.Contains("'cohorts.delete' names no governed action", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Field == "text:8" && v.Description.Contains("does not compile", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Field == "text:12" && v.Description.Contains("no_such_attribute", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Field == "text:13" && v.Description.Contains("allow, deny or require_approval", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyPolicy_UnreachableRule_IsRefused()
    {
        const string text = """
            rules:
              - id: members-allowed
                actions: ["members.*"]
                effect: allow
                reason: members are fine
              - id: never
                actions: [members.delete]
                roles: [ADMIN]
                effect: deny
                reason: shadowed
            """;

        var owner = await _support.OwnerAsync(_host.Acme);

        var ex = await Assert.ThrowsAsync<RpcException>(() => _support.Policy.ApplyPolicyAsync(new ApplyPolicyRequest { Text = text, ValidateOnly = true }, owner).ResponseAsync);

        var violation = Assert.Single(ex.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations);
        Assert.Equal("text:6", violation.Field);
        Assert.Contains("rule 'never' can never match: rule 'members-allowed' (line 2)", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyPolicy_ValidateOnly_ReportsWhichRecentDecisionsWouldChange_AndAppliesNothing()
    {
        await _support.ApplyAsync(_host.Acme, PolicyStore.DefaultText);
        await _support.MemberAsync(_host.Acme, TenantRole.Viewer);
        var owner = await _support.OwnerAsync(_host.Acme);
        var before = await _support.Policy.GetPolicyAsync(new GetPolicyRequest(), owner);
        const string candidate = """
            rules:
              - id: no-new-members
                actions: [members.create]
                effect: deny
                reason: the cohort is full
              - id: allow-the-rest
                effect: allow
                reason: everything else
            """;

        var dryRun = await _support.Policy.ApplyPolicyAsync(new ApplyPolicyRequest { Text = candidate, ValidateOnly = true, CompareLast = 1 }, owner);

        Assert.Equal(1, dryRun.Compared);
        var change = Assert.Single(dryRun.Changes);
        Assert.Equal((GovernedActions.MemberCreate, Effect.Allow, Effect.Deny, "no-new-members"), (change.Decision.Action, change.Decision.Effect, change.NewEffect, change.NewRuleId));
        Assert.Equal(0, dryRun.Policy.Version);
        Assert.Equal(before.Policy.Version, (await _support.Policy.GetPolicyAsync(new GetPolicyRequest(), owner)).Policy.Version);
    }

    [Fact]
    public async Task ApplyPolicy_AddsAVersionWithItsHash_KeepsHistory_AndLeavesAReceipt()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var text = PolicyTestSupport.ApprovalBundle + $"\n# applied {Guid.NewGuid():N}\n";

        var applied = await _support.ApplyAsync(_host.Acme, text);

        Assert.Equal(PolicyBundleHash(text), applied.Sha256);
        Assert.Equal(2, applied.RuleCount);
        var current = await _support.Policy.GetPolicyAsync(new GetPolicyRequest(), owner);
        Assert.Equal((applied.Version, applied.Sha256), (current.Policy.Version, current.Policy.Sha256));
        var versions = await _support.Policy.ListPolicyVersionsAsync(new ListPolicyVersionsRequest { PageSize = 200 }, owner);
        Assert.Equal(applied.Version, versions.Versions[0].Version);
        Assert.Equal("system:default", versions.Versions.Last().Author);
        Assert.Equal(1, versions.Versions.Last().Version);
        var original = await _support.Policy.GetPolicyAsync(new GetPolicyRequest { Version = 1 }, owner);
        Assert.Equal(PolicyStore.DefaultText, original.Policy.Text);

        await using var scope = _host.Services.CreateTenantScope("acme");
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var receipt = await db.Receipts.SingleAsync(r => r.Subject == "policy/versions/" + applied.Version);
        Assert.NotNull(receipt.DecisionId);
        // The default was in force from the tenant's creation, not from the first change.
        var tenantCreated = await db.Tenants.Where(t => t.Id == "acme").Select(t => t.CreatedAt).SingleAsync();
        Assert.Equal(tenantCreated.ToUnixTimeMilliseconds(), versions.Versions.Last().CreateTime.ToDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Policy_OfOneTenant_NeverReachesAnother()
    {
        await _support.ApplyAsync(_host.Acme, PolicyTestSupport.ApprovalBundle + $"\n# {Guid.NewGuid():N}\n");

        var demo = await _support.OwnerAsync(_host.Demo);
        var demoPolicy = await _support.Policy.GetPolicyAsync(new GetPolicyRequest(), demo);
        var demoDecisions = await _support.Policy.ListDecisionsAsync(new ListDecisionsRequest { PageSize = 200 }, demo);

        Assert.Equal(PolicyStore.DefaultText, demoPolicy.Policy.Text);
        Assert.DoesNotContain(demoDecisions.Decisions, d => d.Actor == "user:" + _host.Acme.OwnerUserId);
        var client = await _support.Identity.CreateApiClientAsync(new CreateApiClientRequest { Name = "demo writer", Scopes = { "policy.write" } }, demo);
        Assert.NotEmpty(client.ClientSecret);
    }

    [Fact]
    public async Task TestPolicy_EvaluatesACandidateWithoutRecordingAnything()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var before = (await _support.Policy.ListDecisionsAsync(new ListDecisionsRequest { PageSize = 1 }, owner)).Decisions.FirstOrDefault()?.DecisionId;
        var attributes = new Google.Protobuf.WellKnownTypes.Struct();
        attributes.Fields["scopes"] = Google.Protobuf.WellKnownTypes.Value.ForList(Google.Protobuf.WellKnownTypes.Value.ForString("policy.write"));
        attributes.Fields["lifetime_days"] = Google.Protobuf.WellKnownTypes.Value.ForNumber(30);

        var tested = await _support.Policy.TestPolicyAsync(new TestPolicyRequest
        {
            Action = GovernedActions.ApiClientCreate, CallerRole = "OWNER", Attributes = attributes, Text = PolicyTestSupport.ApprovalBundle,
        }, owner);

        Assert.Equal((Effect.RequireApproval, "write-clients-need-approval", "ADMIN", 1), (tested.Effect, tested.RuleId, tested.ApproverRole, tested.ApprovalsRequired));
        Assert.Equal(before, (await _support.Policy.ListDecisionsAsync(new ListDecisionsRequest { PageSize = 1 }, owner)).Decisions.FirstOrDefault()?.DecisionId);
    }

    private static string PolicyBundleHash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal))));
}

public sealed class SqlitePolicyApiTests(SqliteHostFixture host) : PolicyApiTests<SqliteHostFixture>(host);

public sealed class PostgresPolicyApiTests(PostgresHostFixture host) : PolicyApiTests<PostgresHostFixture>(host);
