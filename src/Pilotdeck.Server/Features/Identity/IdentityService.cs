using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Grpc.Core;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Idempotency;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Policy;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Identity;

/// <summary>
/// pilotdeck.identity.v1: the caller, the tenant's members and its API clients. Every query runs
/// in the caller's tenant because the access interceptor bound it; nothing here names a tenant.
/// </summary>
public sealed partial class IdentityService : Contracts.Identity.V1.IdentityService.IdentityServiceBase
{
    private readonly PilotdeckDbContext _db;
    private readonly CallerAccessor _caller;
    private readonly UserAccounts _users;
    private readonly ApiClients _clients;
    private readonly IdempotentCreates _idempotent;
    private readonly Pager _pager;
    private readonly ChangeReceipts _receipts;
    private readonly PolicyGate _policy;
    private readonly AccessPolicyCatalog _access;

    public IdentityService(PilotdeckDbContext db, CallerAccessor caller, UserAccounts users, ApiClients clients, IdempotentCreates idempotent, Pager pager, ChangeReceipts receipts, PolicyGate policy, AccessPolicyCatalog access)
    {
        _receipts = receipts;
        _policy = policy;
        _access = access;
        _db = db;
        _caller = caller;
        _users = users;
        _clients = clients;
        _idempotent = idempotent;
        _pager = pager;
    }

    public override async Task<GetCallerIdentityResponse> GetCallerIdentity(GetCallerIdentityRequest request, ServerCallContext context)
    {
        var caller = _caller.Current;
        var response = new GetCallerIdentityResponse { Subject = caller.Subject, TenantId = caller.TenantId, IsApiClient = caller.IsApiClient };
        response.Scopes.AddRange(caller.Scopes);
        if (!caller.IsApiClient)
        {
            var user = await _db.Users.Where(u => u.Id == caller.Subject)
                .Select(u => new { u.Email, u.InstallationOperator }).SingleAsync(context.CancellationToken);
            response.Email = user.Email;
            response.InstallationOperator = user.InstallationOperator;
            response.Role = caller.Role!.Value.ToContract();
        }

        return response;
    }

    public override async Task<ListMyTenantsResponse> ListMyTenants(ListMyTenantsRequest request, ServerCallContext context)
    {
        var response = new ListMyTenantsResponse();
        if (_caller.Current.IsApiClient)
        {
            // An API client belongs to exactly its own tenant.
            var tenant = await _db.Tenants.SingleAsync(t => t.Id == _caller.Current.TenantId, context.CancellationToken);
            response.Tenants.Add(new TenantMembership { TenantId = tenant.Id, TenantName = tenant.Name });
            return response;
        }

        var memberships = await _users.ListMembershipsAsync(_caller.Current.Subject, context.CancellationToken);
        var ids = memberships.Select(m => m.TenantId).ToList();
        var names = await _db.Tenants.Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, context.CancellationToken);
        response.Tenants.AddRange(memberships
            .Select(m => new TenantMembership { TenantId = m.TenantId, TenantName = names.GetValueOrDefault(m.TenantId, m.TenantId), Role = m.Role.ToContract() })
            .OrderBy(t => t.TenantName, StringComparer.OrdinalIgnoreCase));
        return response;
    }
}
