using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Admin.Members;

/// <summary>The tenant's members, a page at a time, with a role change per row.</summary>
public sealed class IndexModel : PortalPageModel
{
    private readonly PortalOptions _options;

    public IndexModel(PortalOptions options) => _options = options;

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    /// <summary>Only members with this role; unspecified lists everyone.</summary>
    [BindProperty(SupportsGet = true)]
    public TenantRole? RoleFilter { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Size { get; set; }

    [BindProperty]
    public ChangeRoleInput ChangeRole { get; set; } = new();

    public IReadOnlyList<MemberRow> Rows { get; private set; } = [];

    public PagerViewModel? Pager { get; private set; }

    public Task OnGetAsync() => LoadAsync();

    public async Task<IActionResult> OnPostRoleAsync()
    {
        try
        {
            var member = new Member { UserId = ChangeRole.UserId, Role = ChangeRole.Role };
            var request = new UpdateMemberRequest { Member = member, UpdateMask = new FieldMask { Paths = { "role" } } };
            var updated = await Api.Identity.UpdateMemberAsync(request, cancellationToken: Aborted);
            FlashNext($"{updated.Member.Email} is now {Roles.Label(updated.Member.Role)}.");
            return RedirectToPage(new { PageToken, RoleFilter, Size });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }

        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        try
        {
            var request = new ListMembersRequest { PageSize = Math.Clamp(Size ?? _options.PageSize, 1, 200), PageToken = PageToken ?? "", Role = RoleFilter ?? TenantRole.Unspecified };
            var response = await Api.Identity.ListMembersAsync(request, cancellationToken: Aborted);
            Rows = [.. response.Members.Select(m => MemberRow.From(m, CurrentUser.Subject))];
            Pager = new PagerViewModel("/Admin/Members/Index", PageToken, response.NextPageToken, new Dictionary<string, string?>
            {
                ["roleFilter"] = RoleFilter?.ToString(),
                ["size"] = Size?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            Problem ??= ApiProblem.From(ex);
        }
    }
}
