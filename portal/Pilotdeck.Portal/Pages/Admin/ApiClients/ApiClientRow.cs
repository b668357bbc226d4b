using Pilotdeck.Contracts.Identity.V1;

namespace Pilotdeck.Portal.Pages.Admin.ApiClients;

/// <summary>One API client as the list shows it; there is no secret here to show.</summary>
public sealed record ApiClientRow(string ClientId, string Name, IReadOnlyList<string> Scopes, DateTimeOffset? Created, DateTimeOffset? Expires, DateTimeOffset? Revoked, string Status)
{
    public bool IsActive => Status == "Active";

    public static ApiClientRow From(ApiClient client, DateTimeOffset now)
    {
        var expires = client.ExpireTime?.ToDateTimeOffset();
        var revoked = client.RevokeTime?.ToDateTimeOffset();
        var status = revoked is not null ? "Revoked" : expires <= now ? "Expired" : "Active";
        return new ApiClientRow(client.ClientId, client.Name, [.. client.Scopes], client.CreateTime?.ToDateTimeOffset(), expires, revoked, status);
    }
}
