using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Receipts;
using IdentityContract = Pilotdeck.Contracts.Identity.V1.IdentityService;

namespace Pilotdeck.Server.Features.Identity;

/// <summary>
/// The tenant's members as the API shows them and the receipt conventions of their changes,
/// shared by IdentityService and the identities importer: a member's receipt has subject
/// <c>members/{user id}</c>, action the IdentityService method that makes such a change, and as
/// content the member as returned (as it was, for a removal).
/// </summary>
public sealed class MemberChanges(PilotdeckDbContext db, UserAccounts users, ChangeReceipts receipts)
{
    public static readonly string CreateAction = MethodName(nameof(IdentityContract.IdentityServiceBase.CreateMember));
    public static readonly string UpdateRoleAction = MethodName(nameof(IdentityContract.IdentityServiceBase.UpdateMember));
    public static readonly string DeleteAction = MethodName(nameof(IdentityContract.IdentityServiceBase.DeleteMember));

    public static string NameOf(string userId) => "members/" + userId;

    public static Dictionary<string, object?> RoleAttributes(MemberRole role) => new() { ["role"] = role.ToApiName() };

    public static Member ToMember(User user, Membership membership) => new()
    {
        UserId = user.Id,
        Email = user.Email,
        Role = membership.Role.ToContract(),
        Disabled = user.Disabled,
        CreateTime = Timestamp.FromDateTimeOffset(membership.CreatedAt),
    };

    /// <summary>
    /// Inside a transaction the caller holds and saves: makes <paramref name="user"/> (an existing
    /// account, or a new one without a password when null) a member with <paramref name="role"/>,
    /// and adds the receipt.
    /// </summary>
    public async Task<Member> AddAsync(User? user, string email, MemberRole role, CancellationToken cancellationToken)
    {
        user ??= await users.CreateWithoutPasswordAsync(email, cancellationToken);
        var member = ToMember(user, await users.SetMembershipAsync(user.Id, role, cancellationToken));
        receipts.Add(CreateAction, NameOf(user.Id), member.ToByteArray());
        return member;
    }

    /// <summary>As <see cref="AddAsync"/>, for a role change of an existing member.</summary>
    public async Task<Member> SetRoleAsync(User user, MemberRole role, CancellationToken cancellationToken)
    {
        var member = ToMember(user, await users.SetMembershipAsync(user.Id, role, cancellationToken));
        receipts.Add(UpdateRoleAction, NameOf(user.Id), member.ToByteArray());
        return member;
    }

    /// <summary>As <see cref="AddAsync"/>, for removing a member; the receipt's content is the member as it was.</summary>
    public void Remove(User user, Membership membership)
    {
        receipts.Add(DeleteAction, NameOf(user.Id), ToMember(user, membership).ToByteArray());
        db.Memberships.Remove(membership);
    }

    private static string MethodName(string method) => $"/{IdentityContract.Descriptor.FullName}/{method}";
}
