using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Admin.Members;

/// <summary>One member as the list shows them.</summary>
public sealed record MemberRow(string UserId, string Email, TenantRole Role, string RoleLabel, bool Disabled, DateTimeOffset? Added, bool IsYou)
{
    public static MemberRow From(Member member, string callerId) => new(
        member.UserId, member.Email, member.Role, Roles.Label(member.Role), member.Disabled,
        member.CreateTime?.ToDateTimeOffset(), member.UserId == callerId);
}
