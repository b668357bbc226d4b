using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Data.Identity;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Identity;

/// <summary>The tenant's API clients: create (the secret shown once), list, read, rotate the secret, revoke.</summary>
public sealed partial class IdentityService
{
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

    private async Task<ApiClientRecord> FindClientAsync(string clientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("client_id", "is required"));
        }

        return await _clients.FindAsync(clientId, cancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.ApiClientNotFound, "API client", clientId);
    }
}
