using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Grpc.Core;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Idempotency;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Policy;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Identity;

/// <summary>
/// pilotdeck.identity.v1: the caller, the tenant's members and its API clients. Every query runs
/// in the caller's tenant because the access interceptor bound it; nothing here names a tenant.
/// </summary>
public sealed class IdentityService : Contracts.Identity.V1.IdentityService.IdentityServiceBase
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

    public override Task<CreateMemberResponse> CreateMember(CreateMemberRequest request, ServerCallContext context)
    {
        var role = RoleMapping.FromContract(request.Role);
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(request.Email))
        {
            violations.Add(new("email", "is required"));
        }

        if (role is null)
        {
            violations.Add(new("role", "must be one of VIEWER, ANALYST, FACILITATOR, ADMIN, OWNER"));
        }

        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        return _idempotent.RunAsync(context.Method, request.RequestId, request, CreateMemberResponse.Parser, () => _receipts.RecordAsync(context.Method, r => MemberChanges.NameOf(r.Member.UserId), async () =>
        {
            var user = await _users.FindByEmailAsync(request.Email, context.CancellationToken)
                ?? await CreateUserAsync(request.Email, request.InitialPassword, context.CancellationToken);
            if (await _db.Memberships.AnyAsync(m => m.UserId == user.Id, context.CancellationToken))
            {
                throw ApiErrors.Create(StatusCode.AlreadyExists, ErrorReason.MemberExists, $"'{request.Email}' is already a member of this tenant.");
            }

            var membership = await _users.SetMembershipAsync(user.Id, role!.Value, context.CancellationToken);
            return new CreateMemberResponse { Member = MemberChanges.ToMember(user, membership) };
        }, context.CancellationToken), context.CancellationToken,
        authorize: () => _policy.AuthorizeAsync(GovernedActions.MemberCreate, "members", MemberChanges.RoleAttributes(role!.Value), request, context));
    }

    private async Task<User> CreateUserAsync(string email, string password, CancellationToken cancellationToken)
    {
        try
        {
            return await _users.CreateAsync(email, password, cancellationToken);
        }
        catch (IdentityValidationException ex)
        {
            var violations = ex.Errors.Select(e => new FieldViolation(e.StartsWith("email", StringComparison.Ordinal) ? "email" : "initial_password", e)).ToArray();
            throw ApiErrors.Create(StatusCode.InvalidArgument, violations.Any(v => v.Field == "initial_password") ? ErrorReason.PasswordRejected : ErrorReason.FieldInvalid,
                "The new account was refused: " + string.Join(", ", ex.Errors), violations: violations);
        }
    }

    public override async Task<ListMembersResponse> ListMembers(ListMembersRequest request, ServerCallContext context)
    {
        var role = request.Role == TenantRole.Unspecified ? null : RoleMapping.FromContract(request.Role);
        var page = _pager.Read(request.PageSize, request.PageToken, $"role={request.Role}");
        var query = Members();
        if (role is not null)
        {
            query = query.Where(m => m.Membership.Role == role);
        }

        if (page.After is { } after)
        {
            query = query.Where(m => string.Compare(m.User.NormalizedEmail, after) > 0);
        }

        var rows = await query.OrderBy(m => m.User.NormalizedEmail).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (items, next) = _pager.Page(page, rows, m => m.User.NormalizedEmail);
        var response = new ListMembersResponse { NextPageToken = next };
        response.Members.AddRange(items.Select(m => MemberChanges.ToMember(m.User, m.Membership)));
        return response;
    }

    public override async Task<GetMemberResponse> GetMember(GetMemberRequest request, ServerCallContext context)
    {
        var row = await FindMemberAsync(request.UserId, context.CancellationToken);
        return new GetMemberResponse { Member = MemberChanges.ToMember(row.User, row.Membership) };
    }

    public override async Task<UpdateMemberResponse> UpdateMember(UpdateMemberRequest request, ServerCallContext context)
    {
        if (request.Member is null || string.IsNullOrEmpty(request.Member.UserId))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("member.user_id", "is required"));
        }

        var paths = request.UpdateMask?.Paths ?? [];
        if (paths.Count == 0 || paths.Any(p => p != "role"))
        {
            throw ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.UpdateMaskInvalid, "update_mask must list exactly the updatable fields: role.",
                violations: [new FieldViolation("update_mask", "only 'role' may be updated")]);
        }

        var role = RoleMapping.FromContract(request.Member.Role)
            ?? throw ApiErrors.InvalidArgument(new FieldViolation("member.role", "must be one of VIEWER, ANALYST, FACILITATOR, ADMIN, OWNER"));
        var row = await FindMemberAsync(request.Member.UserId, context.CancellationToken);
        var attributes = MemberChanges.RoleAttributes(role);
        attributes["previous_role"] = row.Membership.Role.ToApiName();
        await _policy.AuthorizeAsync(GovernedActions.MemberUpdateRole, MemberChanges.NameOf(row.User.Id), attributes, request, context);
        return await _receipts.RecordAsync(context.Method, r => MemberChanges.NameOf(r.Member.UserId), async () =>
            new UpdateMemberResponse { Member = MemberChanges.ToMember(row.User, await _users.SetMembershipAsync(row.User.Id, role, context.CancellationToken)) },
            context.CancellationToken);
    }

    public override async Task<DeleteMemberResponse> DeleteMember(DeleteMemberRequest request, ServerCallContext context)
    {
        var row = await FindMemberAsync(request.UserId, context.CancellationToken);
        await _policy.AuthorizeAsync(GovernedActions.MemberDelete, MemberChanges.NameOf(row.User.Id), MemberChanges.RoleAttributes(row.Membership.Role), request, context);
        // The content of a removal is the member as it was.
        return await _receipts.RecordAsync(context.Method, _ => MemberChanges.NameOf(row.User.Id), async () =>
        {
            _db.Memberships.Remove(await _db.Memberships.SingleAsync(m => m.UserId == row.User.Id, context.CancellationToken));
            await _db.SaveChangesAsync(context.CancellationToken);
            return new DeleteMemberResponse();
        }, _ => MemberChanges.ToMember(row.User, row.Membership).ToByteArray(), context.CancellationToken);
    }

    public override Task<CreateApiClientResponse> CreateApiClient(CreateApiClientRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            violations.Add(new("name", "is required and at most 200 characters"));
        }

        // Only scopes some method accepts, each once: an unknown scope grants nothing, and an
        // unbounded list once pushed ListApiClients past the message limit.
        var known = _access.KnownScopes();
        var unknown = request.Scopes.Where(s => !known.Contains(s, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).Take(5).ToList();
        if (unknown.Count > 0)
        {
            violations.Add(new("scopes", $"unknown scope(s) {string.Join(", ", unknown.Select(s => $"'{(s.Length > 64 ? s[..64] + "…" : s)}'"))}; known: {string.Join(", ", known)}"));
        }
        else if (request.Scopes.Distinct(StringComparer.Ordinal).Count() != request.Scopes.Count)
        {
            violations.Add(new("scopes", "lists a scope twice"));
        }

        if (request.LifetimeDays is < 0 or > 3650)
        {
            violations.Add(new("lifetime_days", "must be between 0 (never expires) and 3650"));
        }

        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        // Receipts hash the client as listed, never the response's secret.
        return _idempotent.RunAsync(context.Method, request.RequestId, request, CreateApiClientResponse.Parser, () => _receipts.RecordAsync(context.Method, r => ApiClientMapping.NameOf(r.ApiClient.ClientId), async () =>
        {
            var lifetime = request.LifetimeDays == 0 ? (TimeSpan?)null : TimeSpan.FromDays(request.LifetimeDays);
            var issued = await _clients.CreateAsync(request.Name.Trim(), request.Scopes, lifetime, context.CancellationToken);
            return new CreateApiClientResponse { ApiClient = ApiClientMapping.ToContract(issued.Client), ClientSecret = issued.Secret };
        }, r => r.ApiClient.ToByteArray(), context.CancellationToken), context.CancellationToken,
        authorize: () => _policy.AuthorizeAsync(GovernedActions.ApiClientCreate, "api-clients", new Dictionary<string, object?>
        {
            ["scopes"] = request.Scopes.Cast<object?>().ToList(),
            ["lifetime_days"] = (long)request.LifetimeDays,
        }, request, context));
    }

    public override async Task<ListApiClientsResponse> ListApiClients(ListApiClientsRequest request, ServerCallContext context)
    {
        var page = _pager.Read(request.PageSize, request.PageToken, $"show_revoked={request.ShowRevoked}");
        var query = _db.ApiClients.AsNoTracking();
        if (!request.ShowRevoked)
        {
            query = query.Where(c => c.RevokedAt == null);
        }

        // Keyset on (name, client id): names repeat, ids break ties, both compare in SQL on every provider.
        if (page.After is { } after)
        {
            var (name, id) = ApiClientMapping.SplitKey(after);
            query = query.Where(c => string.Compare(c.Name, name) > 0 || (c.Name == name && string.Compare(c.ClientId, id) > 0));
        }

        var rows = await query.OrderBy(c => c.Name).ThenBy(c => c.ClientId).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (items, next) = _pager.Page(page, rows, c => c.Name + ApiClientMapping.KeySeparator + c.ClientId);
        var response = new ListApiClientsResponse { NextPageToken = next };
        response.ApiClients.AddRange(items.Select(ApiClientMapping.ToContract));
        return response;
    }

    public override async Task<GetApiClientResponse> GetApiClient(GetApiClientRequest request, ServerCallContext context) =>
        new() { ApiClient = ApiClientMapping.ToContract(await FindClientAsync(request.ClientId, context.CancellationToken)) };

    public override async Task<RotateApiClientSecretResponse> RotateApiClientSecret(RotateApiClientSecretRequest request, ServerCallContext context)
    {
        await FindClientAsync(request.ClientId, context.CancellationToken);
        return await _receipts.RecordAsync(context.Method, r => ApiClientMapping.NameOf(r.ApiClient.ClientId), async () =>
        {
            var issued = await _clients.RotateSecretAsync(request.ClientId, context.CancellationToken)
                ?? throw ApiErrors.NotFound(ErrorReason.ApiClientNotFound, "API client", request.ClientId);
            return new RotateApiClientSecretResponse { ApiClient = ApiClientMapping.ToContract(issued.Client), ClientSecret = issued.Secret };
        }, r => r.ApiClient.ToByteArray(), context.CancellationToken);
    }

    public override async Task<RevokeApiClientResponse> RevokeApiClient(RevokeApiClientRequest request, ServerCallContext context)
    {
        await FindClientAsync(request.ClientId, context.CancellationToken);
        return await _receipts.RecordAsync(context.Method, r => ApiClientMapping.NameOf(r.ApiClient.ClientId), async () =>
        {
            await _clients.RevokeAsync(request.ClientId, context.CancellationToken);
            return new RevokeApiClientResponse { ApiClient = ApiClientMapping.ToContract(await FindClientAsync(request.ClientId, context.CancellationToken)) };
        }, context.CancellationToken);
    }

    private IQueryable<MemberRow> Members() =>
        _db.Memberships.AsNoTracking().Join(_db.Users.AsNoTracking(), m => m.UserId, u => u.Id, (m, u) => new MemberRow { User = u, Membership = m });

    private async Task<MemberRow> FindMemberAsync(string userId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userId))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("user_id", "is required"));
        }

        return await Members().SingleOrDefaultAsync(m => m.User.Id == userId, cancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.MemberNotFound, "Member", userId);
    }

    private async Task<ApiClientRecord> FindClientAsync(string clientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("client_id", "is required"));
        }

        return await _clients.FindAsync(clientId, cancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.ApiClientNotFound, "API client", clientId);
    }

    // Member-initialised (not positional) so EF can translate filters and ordering on its members.
    private sealed class MemberRow
    {
        public required User User { get; init; }

        public required Membership Membership { get; init; }
    }
}
