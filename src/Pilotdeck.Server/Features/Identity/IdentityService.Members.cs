using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Data.Identity;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Identity;

/// <summary>The tenant's members: add (a new account when the email has none), list, read, change role, remove.</summary>
public sealed partial class IdentityService
{
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

    // Member-initialised (not positional) so EF can translate filters and ordering on its members.
    private sealed class MemberRow
    {
        public required User User { get; init; }

        public required Membership Membership { get; init; }
    }
}
