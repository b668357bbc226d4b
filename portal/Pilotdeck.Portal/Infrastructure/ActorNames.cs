using Grpc.Core;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Identity.V1;

namespace Pilotdeck.Portal.Infrastructure;

/// <summary>
/// Who an actor id is, as people know them: <c>user:&lt;id&gt;</c> a member's email,
/// <c>client:&lt;id&gt;</c> an API client's name. Receipts, notes and decisions keep only ids (the log
/// holds no personal data); the portal names them for whoever reads the page, from the tenant's
/// members (every role may list them) and, for admins, its API clients. An id it cannot name — a
/// system job, a member since removed, a client a non-admin may not see — shows as it is.
/// </summary>
public sealed class ActorNames
{
    /// <summary>Pages read at most this many members and clients (200 a page): a pilot tenant has far fewer.</summary>
    private const int MaxPages = 5;

    public static readonly ActorNames None = new(new Dictionary<string, string>());

    private readonly IReadOnlyDictionary<string, string> _names;

    private ActorNames(IReadOnlyDictionary<string, string> names) => _names = names;

    /// <summary>
    /// The tenant's members and, when <paramref name="withClients"/>, API clients (revoked ones too:
    /// their past actions stay on record). Names are a convenience, like the layout's tenant list: a
    /// failed read leaves the ids as they are rather than failing the page, unless the session ended.
    /// </summary>
    public static async Task<ActorNames> LoadAsync(PilotdeckClient api, bool withClients, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var token = "";
            for (var page = 0; page < MaxPages; page++)
            {
                var members = await api.Identity.ListMembersAsync(new ListMembersRequest { PageSize = 200, PageToken = token }, cancellationToken: cancellationToken);
                foreach (var member in members.Members)
                {
                    names["user:" + member.UserId] = member.Email;
                }

                if ((token = members.NextPageToken).Length == 0)
                {
                    break;
                }
            }

            token = "";
            for (var page = 0; withClients && page < MaxPages; page++)
            {
                var clients = await api.Identity.ListApiClientsAsync(new ListApiClientsRequest { PageSize = 200, PageToken = token, ShowRevoked = true }, cancellationToken: cancellationToken);
                foreach (var client in clients.ApiClients)
                {
                    names["client:" + client.ClientId] = client.Name;
                }

                if ((token = clients.NextPageToken).Length == 0)
                {
                    break;
                }
            }
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Unauthenticated)
        {
            // Keep what was read; the rest show as ids.
        }

        return new ActorNames(names);
    }

    /// <summary>The name, or the id itself when there is none.</summary>
    public string Of(string actor) => _names.GetValueOrDefault(actor, actor);

    /// <summary>
    /// The id a filter means: a member's email or a client's name as typed (any case) becomes its
    /// id; an id, or text that names no one, stays as it is.
    /// </summary>
    public string IdOf(string? typed)
    {
        var text = typed?.Trim() ?? "";
        return text.Length == 0 || text.Contains(':', StringComparison.Ordinal)
            ? text
            : _names.FirstOrDefault(pair => string.Equals(pair.Value, text, StringComparison.OrdinalIgnoreCase)).Key ?? text;
    }

    /// <summary>The name with its id on hover, or the id in code type when there is no name.</summary>
    public IHtmlContent Show(string actor)
    {
        if (!_names.TryGetValue(actor, out var name))
        {
            var code = new TagBuilder("code");
            code.InnerHtml.Append(actor);
            return code;
        }

        var span = new TagBuilder("span");
        span.AddCssClass("actor");
        span.Attributes["title"] = actor;
        span.InnerHtml.Append(name);
        return span;
    }
}
