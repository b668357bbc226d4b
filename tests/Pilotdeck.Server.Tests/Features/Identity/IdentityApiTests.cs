using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Grpc.Core;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Identity;

/// <summary>
/// The identity API over the real host, per database provider: token attacks, crossing tenants,
/// idempotent creates, paging and validation. Each attack must fail closed and leak nothing.
/// </summary>
public abstract class IdentityApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : HostFixture
{
    private readonly TFixture _host;

    protected IdentityApiTests(TFixture host) => _host = host;

    private IdentityService.IdentityServiceClient Client => new(_host.CreateChannel());

    private static async Task<RpcException> FailsAsync(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.NotNull(ex.GetRpcStatus());
        return ex;
    }

    [Fact]
    public async Task Call_WithoutToken_IsUnauthenticatedTokenMissing()
    {
        var ex = await FailsAsync(() => Client.GetCallerIdentityAsync(new GetCallerIdentityRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.TokenMissing), ApiErrors.ReasonOf(ex));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA")]
    [InlineData("")]
    public async Task Call_WithMalformedToken_IsUnauthenticated(string token)
    {
        var headers = new Metadata { { "authorization", "Bearer " + token } };
        var ex = await FailsAsync(() => Client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), headers).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task Call_WithAlgNoneToken_IsUnauthenticated()
    {
        var claims = await ClaimsOfAsync(await _host.ClientTokenAsync(_host.Demo));
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor { Claims = claims, Expires = DateTime.UtcNow.AddMinutes(5) });
        Assert.Equal("none", new JsonWebToken(unsigned).Alg);

        var ex = await FailsAsync(() => Client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), HostFixture.Bearer(unsigned)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.TokenInvalid), ApiErrors.ReasonOf(ex));
    }

    [Fact]
    public async Task Call_WithTokenSignedByAnotherKey_IsUnauthenticated()
    {
        var claims = await ClaimsOfAsync(await _host.ClientTokenAsync(_host.Demo));
        using var foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(foreignKey) { KeyId = "attacker" }, SecurityAlgorithms.EcdsaSha256),
        });

        var ex = await FailsAsync(() => Client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), HostFixture.Bearer(forged)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task Call_WithExpiredToken_IsUnauthenticatedTokenExpired()
    {
        var claims = await ClaimsOfAsync(await _host.ClientTokenAsync(_host.Demo));
        // Signed with the server's own current key: only the expiry is wrong.
        var credentials = _host.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.SigningCredentials[0];
        claims.Remove("exp");
        claims.Remove("nbf");
        claims.Remove("iat");
        var expired = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = "at+jwt",
            IssuedAt = DateTime.UtcNow.AddHours(-2),
            NotBefore = DateTime.UtcNow.AddHours(-2),
            Expires = DateTime.UtcNow.AddHours(-1),
            SigningCredentials = credentials,
        });

        var ex = await FailsAsync(() => Client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), HostFixture.Bearer(expired)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.TokenExpired), ApiErrors.ReasonOf(ex));
    }

    [Fact]
    public async Task Call_WithTamperedTenantClaim_IsUnauthenticated()
    {
        var token = await _host.ClientTokenAsync(_host.Demo);
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"demo\"", "\"acme\"", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        var ex = await FailsAsync(() => Client.ListApiClientsAsync(new ListApiClientsRequest(), HostFixture.Bearer(tampered)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task ClientToken_WithoutRequiredScope_IsPermissionDeniedScopeMissing()
    {
        var readOnly = await _host.ClientTokenAsync(_host.Demo, scope: "identity.read");

        var ex = await FailsAsync(() => Client.CreateApiClientAsync(new CreateApiClientRequest { Name = "x" }, HostFixture.Bearer(readOnly)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.ScopeMissing), ApiErrors.ReasonOf(ex));
    }

    [Fact]
    public async Task ViewerUser_CallingAdminMethod_IsPermissionDeniedRoleInsufficient()
    {
        var owner = HostFixture.Bearer(await _host.UserTokenAsync(_host.Demo.OwnerEmail, _host.Demo.OwnerPassword));
        var email = $"viewer-{Guid.NewGuid():N}@demo.test";
        await Client.CreateMemberAsync(new CreateMemberRequest { Email = email, Role = TenantRole.Viewer, InitialPassword = "Viewer-Password-123" }, owner);
        var viewer = HostFixture.Bearer(await _host.UserTokenAsync(email, "Viewer-Password-123"));

        var listed = await Client.ListMembersAsync(new ListMembersRequest(), viewer);
        var ex = await FailsAsync(() => Client.CreateApiClientAsync(new CreateApiClientRequest { Name = "x" }, viewer).ResponseAsync);

        Assert.Contains(listed.Members, m => m.Email == email);
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.RoleInsufficient), ApiErrors.ReasonOf(ex));
    }

    [Fact]
    public async Task RevokedClient_ItsTokenStopsWorkingAtOnce()
    {
        var admin = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Demo));
        var created = await Client.CreateApiClientAsync(new CreateApiClientRequest { Name = "short-lived", Scopes = { "identity.read" } }, admin);
        var victim = new TenantUnderTest("demo", "", "", "", created.ApiClient.ClientId, created.ClientSecret);
        var token = HostFixture.Bearer(await _host.ClientTokenAsync(victim));
        await Client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), token);

        await Client.RevokeApiClientAsync(new RevokeApiClientRequest { ClientId = created.ApiClient.ClientId }, admin);
        var ex = await FailsAsync(() => Client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), token).ResponseAsync);
        var (status, body) = await _host.PostTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = victim.ClientId, ["client_secret"] = victim.ClientSecret,
        });

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.PrincipalDisabled), ApiErrors.ReasonOf(ex));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task DisabledUser_ItsTokenStopsWorking()
    {
        var owner = HostFixture.Bearer(await _host.UserTokenAsync(_host.Demo.OwnerEmail, _host.Demo.OwnerPassword));
        var email = $"soon-disabled-{Guid.NewGuid():N}@demo.test";
        var member = await Client.CreateMemberAsync(new CreateMemberRequest { Email = email, Role = TenantRole.Analyst, InitialPassword = "Analyst-Password-123" }, owner);
        var token = HostFixture.Bearer(await _host.UserTokenAsync(email, "Analyst-Password-123"));

        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            await db.Users.Where(u => u.Id == member.Member.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Disabled, true));
        }

        var ex = await FailsAsync(() => Client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), token).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task TenantAToken_OnTenantBResources_IsNotFoundAndLeaksNothing()
    {
        var acme = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Acme));
        var demoClientId = _host.Demo.ClientId;
        var demoOwnerId = _host.Demo.OwnerUserId;

        var get = await FailsAsync(() => Client.GetApiClientAsync(new GetApiClientRequest { ClientId = demoClientId }, acme).ResponseAsync);
        var rotate = await FailsAsync(() => Client.RotateApiClientSecretAsync(new RotateApiClientSecretRequest { ClientId = demoClientId }, acme).ResponseAsync);
        var revoke = await FailsAsync(() => Client.RevokeApiClientAsync(new RevokeApiClientRequest { ClientId = demoClientId }, acme).ResponseAsync);
        var member = await FailsAsync(() => Client.GetMemberAsync(new GetMemberRequest { UserId = demoOwnerId }, acme).ResponseAsync);
        var update = await FailsAsync(() => Client.UpdateMemberAsync(new UpdateMemberRequest
        {
            Member = new Member { UserId = demoOwnerId, Role = TenantRole.Viewer },
            UpdateMask = new FieldMask { Paths = { "role" } },
        }, acme).ResponseAsync);
        var delete = await FailsAsync(() => Client.DeleteMemberAsync(new DeleteMemberRequest { UserId = demoOwnerId }, acme).ResponseAsync);
        var unknown = await FailsAsync(() => Client.GetApiClientAsync(new GetApiClientRequest { ClientId = "pdc_does_not_exist" }, acme).ResponseAsync);

        foreach (var ex in new[] { get, rotate, revoke, member, update, delete })
        {
            Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        }

        // A foreign id and a made-up id look exactly alike: existence in another tenant is not revealed.
        Assert.Equal(unknown.Status.Detail.Replace("pdc_does_not_exist", demoClientId, StringComparison.Ordinal), get.Status.Detail);

        var acmeClients = await Client.ListApiClientsAsync(new ListApiClientsRequest { ShowRevoked = true, PageSize = 200 }, acme);
        var acmeMembers = await Client.ListMembersAsync(new ListMembersRequest { PageSize = 200 }, acme);
        Assert.DoesNotContain(acmeClients.ApiClients, c => c.ClientId == demoClientId);
        Assert.All(acmeMembers.Members, m => Assert.EndsWith("acme.test", m.Email, StringComparison.Ordinal));

        // And the demo tenant's data is untouched.
        var demo = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Demo));
        var still = await Client.GetApiClientAsync(new GetApiClientRequest { ClientId = demoClientId }, demo);
        Assert.Null(still.ApiClient.RevokeTime);
        var owner = await Client.GetMemberAsync(new GetMemberRequest { UserId = demoOwnerId }, demo);
        Assert.Equal(TenantRole.Owner, owner.Member.Role);
    }

    [Fact]
    public async Task PageToken_FromAnotherTenant_IsRejected()
    {
        var demo = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Demo));
        var acme = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Acme));
        for (var i = 0; i < 3; i++)
        {
            await Client.CreateApiClientAsync(new CreateApiClientRequest { Name = $"paging-{i}" }, demo);
        }

        var first = await Client.ListApiClientsAsync(new ListApiClientsRequest { PageSize = 1 }, demo);
        Assert.NotEmpty(first.NextPageToken);

        var ex = await FailsAsync(() => Client.ListApiClientsAsync(new ListApiClientsRequest { PageSize = 1, PageToken = first.NextPageToken }, acme).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.PageTokenInvalid), ApiErrors.ReasonOf(ex));
    }

    [Fact]
    public async Task ListApiClients_PagedThroughAll_ReturnsEachOnceInStableOrder()
    {
        var demo = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Demo));
        for (var i = 0; i < 5; i++)
        {
            await Client.CreateApiClientAsync(new CreateApiClientRequest { Name = "same-name" }, demo);
        }

        var all = await Client.ListApiClientsAsync(new ListApiClientsRequest { PageSize = 200 }, demo);
        var paged = new List<string>();
        var token = "";
        do
        {
            var page = await Client.ListApiClientsAsync(new ListApiClientsRequest { PageSize = 2, PageToken = token }, demo);
            Assert.InRange(page.ApiClients.Count, 1, 2);
            paged.AddRange(page.ApiClients.Select(c => c.ClientId));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(all.ApiClients.Select(c => c.ClientId), paged);
    }

    [Fact]
    public async Task ListApiClients_TamperedPageToken_IsInvalidArgumentNamingTheField()
    {
        var demo = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Demo));
        await Client.CreateApiClientAsync(new CreateApiClientRequest { Name = "a" }, demo);
        await Client.CreateApiClientAsync(new CreateApiClientRequest { Name = "b" }, demo);
        var first = await Client.ListApiClientsAsync(new ListApiClientsRequest { PageSize = 1 }, demo);
        var tampered = first.NextPageToken[..^2] + (first.NextPageToken[^2] == 'A' ? "B" : "A") + first.NextPageToken[^1];

        var ex = await FailsAsync(() => Client.ListApiClientsAsync(new ListApiClientsRequest { PageSize = 1, PageToken = tampered }, demo).ResponseAsync);
        var changedFilter = await FailsAsync(() => Client.ListApiClientsAsync(new ListApiClientsRequest { PageSize = 1, PageToken = first.NextPageToken, ShowRevoked = true }, demo).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("page_token", ex.GetRpcStatus()!.Details.Single(d => d.Is(Google.Rpc.BadRequest.Descriptor)).Unpack<Google.Rpc.BadRequest>().FieldViolations.Single().Field);
        Assert.Equal(ErrorReasons.Name(ErrorReason.PageTokenInvalid), ApiErrors.ReasonOf(changedFilter));
    }

    [Fact]
    public async Task CreateApiClient_RetriedWithSameRequestId_ReturnsFirstResultAndCreatesOnce()
    {
        var demo = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Demo));
        var request = new CreateApiClientRequest { RequestId = Guid.NewGuid().ToString(), Name = "idempotent", Scopes = { "identity.read" } };

        var first = await Client.CreateApiClientAsync(request, demo);
        var retry = await Client.CreateApiClientAsync(request, demo);
        var all = await Client.ListApiClientsAsync(new ListApiClientsRequest { PageSize = 200 }, demo);

        Assert.Equal(first, retry);
        Assert.Single(all.ApiClients, c => c.ClientId == first.ApiClient.ClientId);
        Assert.Equal(1, all.ApiClients.Count(c => c.Name == "idempotent"));
    }

    [Fact]
    public async Task CreateApiClient_ConcurrentRetries_CreateExactlyOne()
    {
        var demo = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Demo));
        var request = new CreateApiClientRequest { RequestId = Guid.NewGuid().ToString(), Name = "raced" };

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Client.CreateApiClientAsync(request, demo).ResponseAsync));
        var all = await Client.ListApiClientsAsync(new ListApiClientsRequest { PageSize = 200 }, demo);

        Assert.Single(results.Select(r => r.ApiClient.ClientId).Distinct());
        Assert.Equal(1, all.ApiClients.Count(c => c.Name == "raced"));
    }

    [Fact]
    public async Task CreateApiClient_SameRequestIdDifferentFields_IsRejected()
    {
        var demo = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Demo));
        var requestId = Guid.NewGuid().ToString();
        await Client.CreateApiClientAsync(new CreateApiClientRequest { RequestId = requestId, Name = "one" }, demo);

        var ex = await FailsAsync(() => Client.CreateApiClientAsync(new CreateApiClientRequest { RequestId = requestId, Name = "two" }, demo).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.RequestIdReused), ApiErrors.ReasonOf(ex));
    }

    [Fact]
    public async Task CreateApiClient_InvalidFields_ListsEachViolation()
    {
        var demo = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Demo));

        var ex = await FailsAsync(() => Client.CreateApiClientAsync(new CreateApiClientRequest { Name = " ", Scopes = { "two words" }, LifetimeDays = -1 }, demo).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.FieldInvalid), ApiErrors.ReasonOf(ex));
        var fields = ex.GetRpcStatus()!.Details.Single(d => d.Is(Google.Rpc.BadRequest.Descriptor)).Unpack<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field);
        Assert.Equal(new[] { "name", "scopes", "lifetime_days" }, fields);
    }

    [Fact]
    public async Task CreateApiClient_UnknownDuplicateOrCountlessScopes_AreRefused_SoListingStaysSmall()
    {
        // What an independent probe did: two clients with 350,000 made-up scopes each pushed
        // ListApiClients past 4 MiB. Only scopes some method accepts are taken, each once.
        var demo = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Demo));
        var flood = new CreateApiClientRequest { Name = "flood" };
        flood.Scopes.AddRange(Enumerable.Range(0, 20_000).Select(i => "made.up" + i));

        var unknown = await FailsAsync(() => Client.CreateApiClientAsync(flood, demo).ResponseAsync);
        var twice = await FailsAsync(() => Client.CreateApiClientAsync(new CreateApiClientRequest { Name = "twice", Scopes = { "identity.read", "identity.read" } }, demo).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, "scopes"), (unknown.StatusCode, Assert.Single(unknown.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations).Field));
        Assert.Contains("'made.up0'", unknown.Status.Detail, StringComparison.Ordinal);
        Assert.True(unknown.Status.Detail.Length < 2000, "the error names a few unknown scopes, not all of them");
        Assert.Contains("twice", Assert.Single(twice.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations).Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateMember_MaskWithUnknownField_IsInvalidArgument()
    {
        var demo = HostFixture.Bearer(await _host.ClientTokenAsync(_host.Demo));
        var ex = await FailsAsync(() => Client.UpdateMemberAsync(new UpdateMemberRequest
        {
            Member = new Member { UserId = _host.Demo.OwnerUserId, Email = "hijack@x.test" },
            UpdateMask = new FieldMask { Paths = { "email" } },
        }, demo).ResponseAsync);
        Assert.Equal(ErrorReasons.Name(ErrorReason.UpdateMaskInvalid), ApiErrors.ReasonOf(ex));
    }

    [Fact]
    public async Task GetCallerIdentity_ForUser_ReportsTenantEmailAndRole()
    {
        var token = HostFixture.Bearer(await _host.UserTokenAsync(_host.Acme.OwnerEmail, _host.Acme.OwnerPassword));
        var me = await Client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), token);
        var tenants = await Client.ListMyTenantsAsync(new ListMyTenantsRequest(), token);

        Assert.Equal("acme", me.TenantId);
        Assert.Equal(_host.Acme.OwnerEmail, me.Email);
        Assert.Equal(TenantRole.Owner, me.Role);
        Assert.False(me.IsApiClient);
        Assert.Equal("Acme Corp", tenants.Tenants.Single().TenantName);
    }

    [Fact]
    public async Task TokenEndpoint_WrongPassword_IsInvalidGrant()
    {
        var (status, body) = await _host.PostTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = _host.Demo.OwnerEmail, ["password"] = "wrong-password",
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task TokenEndpoint_RefreshToken_IssuesNewPairOnce()
    {
        var (_, first) = await _host.PostTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = _host.Acme.OwnerEmail, ["password"] = _host.Acme.OwnerPassword,
        });
        var refresh = first.GetProperty("refresh_token").GetString()!;

        var (okStatus, renewed) = await _host.PostTokenAsync(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });
        var (replayStatus, _) = await _host.PostTokenAsync(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });

        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.NotEqual(refresh, renewed.GetProperty("refresh_token").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, replayStatus);
    }

    [Fact]
    public async Task Discovery_NamesTheEndpoints_AndJwksVerifiesIssuedTokens()
    {
        var discovery = await _host.GetJsonAsync("/.well-known/openid-configuration");
        Assert.Equal(new Uri(_host.Address, "/oauth2/token").ToString(), discovery.GetProperty("token_endpoint").GetString());
        Assert.Equal(new Uri(_host.Address, "/oauth2/revoke").ToString(), discovery.GetProperty("revocation_endpoint").GetString());
        var jwksUri = new Uri(discovery.GetProperty("jwks_uri").GetString()!);

        var jwks = await _host.GetJsonAsync(jwksUri.AbsolutePath);
        var token = new JsonWebToken(await _host.ClientTokenAsync(_host.Acme));
        Assert.Equal(discovery.GetProperty("issuer").GetString(), token.Issuer);

        // The published key, and only it, verifies the token: what a partner's own validator does.
        var published = new JsonWebKeySet(jwks.GetRawText());
        var key = Assert.Single(published.Keys, k => k.Kid == token.Kid);
        Assert.Equal("EC", key.Kty);
        Assert.Equal("P-256", key.Crv);
        Assert.False(key.HasPrivateKey);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token.EncodedToken, new TokenValidationParameters
        {
            ValidIssuer = token.Issuer,
            ValidateAudience = false,
            IssuerSigningKeys = published.Keys,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task RevocationEndpoint_RefreshToken_EndsTheSignIn()
    {
        var (_, first) = await _host.PostTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = _host.Acme.OwnerEmail, ["password"] = _host.Acme.OwnerPassword,
        });
        var refresh = first.GetProperty("refresh_token").GetString()!;

        var (status, body) = await _host.PostFormAsync("/oauth2/revoke", new Dictionary<string, string> { ["token"] = refresh, ["token_type_hint"] = "refresh_token" });
        var (refreshStatus, refused) = await _host.PostTokenAsync(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out _), body.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, refreshStatus);
        Assert.Equal("invalid_grant", refused.GetProperty("error").GetString());
    }

    [Fact]
    public async Task RevocationEndpoint_UnknownToken_IsOk_AndBadRequestsAreRefused()
    {
        // RFC 7009 §2.2: an unknown token gets the same answer as a known one.
        var (unknown, _) = await _host.PostFormAsync("/oauth2/revoke", new Dictionary<string, string> { ["token"] = "pdr_never-issued" });
        var (missing, missingBody) = await _host.PostFormAsync("/oauth2/revoke", new Dictionary<string, string>());
        var access = await _host.ClientTokenAsync(_host.Acme);
        var (jwt, jwtBody) = await _host.PostFormAsync("/oauth2/revoke", new Dictionary<string, string> { ["token"] = access });

        Assert.Equal(HttpStatusCode.OK, unknown);
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal("invalid_request", missingBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, jwt);
        Assert.Equal("unsupported_token_type", jwtBody.GetProperty("error").GetString());
    }

    [Fact]
    public async Task TokenEndpoint_Response_ForbidsCaching()
    {
        // RFC 6749 §5.1: token responses carry Cache-Control: no-store and Pragma: no-cache.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_host.Address, "/oauth2/token"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = _host.Demo.ClientId, ["client_secret"] = _host.Demo.ClientSecret,
            }),
        };
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, response.Headers.ToString());
        Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
    }

    [Fact]
    public async Task Introspection_OwnToken_IsActive_OtherTenantsTokenAndJunkAreInactive()
    {
        var demoToken = await _host.ClientTokenAsync(_host.Demo);
        var acmeToken = await _host.ClientTokenAsync(_host.Acme);
        Task<(HttpStatusCode Status, JsonElement Body)> IntrospectAsync(string token) => _host.PostFormAsync("/oauth2/introspect", new Dictionary<string, string>
        {
            ["token"] = token, ["client_id"] = _host.Demo.ClientId, ["client_secret"] = _host.Demo.ClientSecret,
        });

        var (ownStatus, own) = await IntrospectAsync(demoToken);
        var (_, foreign) = await IntrospectAsync(acmeToken);
        var (_, junk) = await IntrospectAsync("not-a-token");
        var (anonymousStatus, anonymous) = await _host.PostFormAsync("/oauth2/introspect", new Dictionary<string, string> { ["token"] = demoToken });

        Assert.Equal(HttpStatusCode.OK, ownStatus);
        Assert.True(own.GetProperty("active").GetBoolean(), own.ToString());
        Assert.Equal(_host.Demo.ClientId, own.GetProperty("sub").GetString());
        Assert.Equal(_host.Demo.ClientId, own.GetProperty("client_id").GetString());
        Assert.Equal("pilotdeck-api", own.GetProperty("aud").GetString());
        // Scopes and Pilotdeck's own claims (tenant, role) go only to an audience of the token, which a client is not.
        Assert.False(own.TryGetProperty("tenant", out _));
        // Another tenant's client learns nothing about the token, not even that it exists.
        Assert.False(foreign.GetProperty("active").GetBoolean(), foreign.ToString());
        Assert.False(foreign.TryGetProperty("tenant", out _));
        Assert.False(junk.GetProperty("active").GetBoolean());
        // RFC 7662 §2.1: only authenticated clients may introspect.
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousStatus);
        Assert.Equal("invalid_client", anonymous.GetProperty("error").GetString());
    }

    private static Task<Dictionary<string, object>> ClaimsOfAsync(string token)
    {
        var jwt = new JsonWebToken(token);
        var claims = new Dictionary<string, object>();
        foreach (var claim in jwt.Claims.GroupBy(c => c.Type))
        {
            claims[claim.Key] = claim.Count() == 1 ? claim.First().Value : claim.Select(c => c.Value).ToArray();
        }

        claims["iss"] = jwt.Issuer;
        claims["aud"] = jwt.Audiences.First();
        return Task.FromResult(claims);
    }
}

public sealed class IdentityApiTests_Sqlite(SqliteHostFixture host) : IdentityApiTests<SqliteHostFixture>(host);

public sealed class IdentityApiTests_Postgres(PostgresHostFixture host) : IdentityApiTests<PostgresHostFixture>(host);
