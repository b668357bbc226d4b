using Pilotdeck.Data.Identity;

namespace Pilotdeck.Server.Platform.Auth;

/// <summary>The authenticated caller of the current call, set by <see cref="AccessPolicyInterceptor"/>.</summary>
public sealed record Caller(string Subject, string TenantId, bool IsApiClient, MemberRole? Role, IReadOnlyList<string> Scopes);

/// <summary>Per-call holder of the caller; handlers take it from DI.</summary>
public sealed class CallerAccessor
{
    private Caller? _caller;

    /// <summary>The caller; throws when the method was anonymous, which a handler relying on it must not be.</summary>
    public Caller Current => _caller ?? throw new InvalidOperationException("No authenticated caller: this method is anonymous.");

    internal void Set(Caller caller) => _caller = caller;
}

/// <summary>Maps between the data layer's roles and the contract's enum (which ranks them upwards).</summary>
public static class RoleMapping
{
    public static Contracts.Api.V1.TenantRole ToContract(this MemberRole role) => role switch
    {
        MemberRole.Owner => Contracts.Api.V1.TenantRole.Owner,
        MemberRole.Admin => Contracts.Api.V1.TenantRole.Admin,
        MemberRole.Facilitator => Contracts.Api.V1.TenantRole.Facilitator,
        MemberRole.Analyst => Contracts.Api.V1.TenantRole.Analyst,
        _ => Contracts.Api.V1.TenantRole.Viewer,
    };

    public static MemberRole? FromContract(Contracts.Api.V1.TenantRole role) => role switch
    {
        Contracts.Api.V1.TenantRole.Owner => MemberRole.Owner,
        Contracts.Api.V1.TenantRole.Admin => MemberRole.Admin,
        Contracts.Api.V1.TenantRole.Facilitator => MemberRole.Facilitator,
        Contracts.Api.V1.TenantRole.Analyst => MemberRole.Analyst,
        Contracts.Api.V1.TenantRole.Viewer => MemberRole.Viewer,
        _ => null,
    };

    /// <summary>VIEWER … OWNER: the role as the API's enum and policy rules name it.</summary>
    public static string ToApiName(this MemberRole role) => role.ToContract().ToString().ToUpperInvariant();

    /// <summary>Whether <paramref name="role"/> is at least <paramref name="required"/> (unspecified: any member).</summary>
    public static bool Satisfies(this MemberRole role, Contracts.Api.V1.TenantRole required) => (int)role.ToContract() >= (int)required;
}
