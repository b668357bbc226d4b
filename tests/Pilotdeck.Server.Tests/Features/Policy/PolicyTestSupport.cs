using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Policy;

/// <summary>What the policy and approval tests share: clients, a bundle applied by the owner, members with a given role.</summary>
internal sealed class PolicyTestSupport(HostFixture host)
{
    public IdentityService.IdentityServiceClient Identity => new(host.CreateChannel());

    public PolicyService.PolicyServiceClient Policy => new(host.CreateChannel());

    public ApprovalsService.ApprovalsServiceClient Approvals => new(host.CreateChannel());

    public async Task<Metadata> OwnerAsync(TenantUnderTest tenant) =>
        HostFixture.Bearer(await host.UserTokenAsync(tenant.OwnerEmail, tenant.OwnerPassword));

    /// <summary>A new member of <paramref name="tenant"/> with <paramref name="role"/>, signed in.</summary>
    public async Task<(Metadata Caller, string UserId)> MemberAsync(TenantUnderTest tenant, TenantRole role)
    {
        var email = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@{tenant.TenantId}.test";
        const string password = "Member-Password-123";
        var created = await Identity.CreateMemberAsync(new CreateMemberRequest { Email = email, Role = role, InitialPassword = password }, await OwnerAsync(tenant));
        return (HostFixture.Bearer(await host.UserTokenAsync(email, password)), created.Member.UserId);
    }

    public async Task<PolicyVersion> ApplyAsync(TenantUnderTest tenant, string text) =>
        (await Policy.ApplyPolicyAsync(new ApplyPolicyRequest { Text = text }, await OwnerAsync(tenant))).Policy;

    public static Metadata WithApproval(Metadata caller, string approvalId) =>
        new() { caller[0], { "pilotdeck-approval-id", approvalId } };

    /// <summary>Write-capable API clients need one admin's approval; everything else is allowed.</summary>
    public const string ApprovalBundle = """
        description: write clients need an admin's approval
        rules:
          - id: write-clients-need-approval
            actions: [api-clients.create]
            when: request.scopes.exists(s, s.endsWith('.write'))
            effect: require_approval
            approvers: {role: ADMIN, count: 1}
            reason: A client that can write needs a second pair of eyes.
          - id: allow-the-rest
            effect: allow
            reason: everything else
        """;
}
