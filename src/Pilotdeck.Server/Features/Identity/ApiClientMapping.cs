using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Data.Identity;

namespace Pilotdeck.Server.Features.Identity;

/// <summary>API clients as the API shows them, their receipt subject and their list's page key.</summary>
internal static class ApiClientMapping
{
    /// <summary>Separates name and client id in a page key: names repeat, ids break ties.</summary>
    public const char KeySeparator = '\u001f';

    public static string NameOf(string clientId) => "api-clients/" + clientId;

    public static (string Name, string ClientId) SplitKey(string key)
    {
        var cut = key.LastIndexOf(KeySeparator);
        return (key[..cut], key[(cut + 1)..]);
    }

    public static ApiClient ToContract(ApiClientRecord client)
    {
        var contract = new ApiClient { ClientId = client.ClientId, Name = client.Name, CreateTime = Timestamp.FromDateTimeOffset(client.CreatedAt) };
        contract.Scopes.AddRange(client.ScopeList);
        if (client.ExpiresAt is { } expires)
        {
            contract.ExpireTime = Timestamp.FromDateTimeOffset(expires);
        }

        if (client.RevokedAt is { } revoked)
        {
            contract.RevokeTime = Timestamp.FromDateTimeOffset(revoked);
        }

        return contract;
    }
}
