using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pilotdeck.Data.Identity;

namespace Pilotdeck.Data.Tests;

public class TokenServiceTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task IssueForClient_ValidClient_TokenValidatesWithClientClaims(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, token) = await IssueClientTokenAsync(database);

        await using var scope = database.UnboundScope();
        var result = await scope.Get<TokenService>().ValidateAsync(token.Token);

        Assert.True(result.IsValid, result.Exception?.Message);
        var claims = result.ClaimsIdentity;
        Assert.Equal("alpha", claims.FindFirst(PilotdeckClaims.Tenant)?.Value);
        Assert.StartsWith("pdc_", claims.FindFirst(PilotdeckClaims.Subject)?.Value);
        Assert.Equal(claims.FindFirst(PilotdeckClaims.Subject)?.Value, claims.FindFirst(PilotdeckClaims.ClientId)?.Value);
        Assert.Equal("cohorts.read", claims.FindFirst(PilotdeckClaims.Scope)?.Value);
        Assert.Equal(token.TokenId, claims.FindFirst(PilotdeckClaims.TokenId)?.Value);
        var jwt = new JsonWebToken(token.Token);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal(TokenService.AccessTokenType, jwt.Typ);
        Assert.Equal(TimeSpan.FromMinutes(10), jwt.ValidTo - jwt.IssuedAt);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task IssueForClient_ScopeNotGranted_ThrowsInvalidScope(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await database.AddTenantsAsync("alpha");
        await using var scope = database.TenantScope("alpha");
        var issued = await scope.Get<ApiClients>().CreateAsync("etl", ["cohorts.read"]);

        var error = await Assert.ThrowsAsync<IdentityValidationException>(
            () => scope.Get<TokenService>().IssueForClientAsync(issued.Client, ["cohorts.read", "admin"]));
        Assert.Equal(["invalid_scope"], error.Errors);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task IssueForUser_Member_TokenCarriesTenantAndRole(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (user, pair) = await RefreshTokenTests.SignInAsync(database, MemberRole.Analyst);

        await using var scope = database.UnboundScope();
        var result = await scope.Get<TokenService>().ValidateAsync(pair.Access.Token);

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(user.Id, result.ClaimsIdentity.Name);
        Assert.Equal("alpha", result.ClaimsIdentity.FindFirst(PilotdeckClaims.Tenant)?.Value);
        Assert.True(new System.Security.Claims.ClaimsPrincipal(result.ClaimsIdentity).IsInRole("analyst"));
        Assert.Null(result.ClaimsIdentity.FindFirst(PilotdeckClaims.ClientId));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Validate_AlgNoneWithoutSignature_Rejected(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, token) = await IssueClientTokenAsync(database);
        var parts = token.Token.Split('.');
        var header = JsonNode.Parse(Base64UrlEncoder.Decode(parts[0]))!;
        header["alg"] = "none";
        var unsigned = $"{Base64UrlEncoder.Encode(header.ToJsonString())}.{parts[1]}.";

        await AssertRejectedAsync(database, unsigned);
        await AssertRejectedAsync(database, $"{parts[0]}.{parts[1]}.");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Validate_SignedWithOtherKeyUnderSameKid_Rejected(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, token) = await IssueClientTokenAsync(database);
        var genuine = new JsonWebToken(token.Token);
        using var attackerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = Resign(genuine, new SigningCredentials(new ECDsaSecurityKey(attackerKey) { KeyId = genuine.Kid }, SecurityAlgorithms.EcdsaSha256));

        await AssertRejectedAsync(database, forged);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Validate_HmacSignedWithPublicKey_Rejected(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, token) = await IssueClientTokenAsync(database);
        var genuine = new JsonWebToken(token.Token);
        await using var scope = database.UnboundScope();
        var publicKey = (await scope.Get<SigningKeyStore>().GetValidationKeysAsync()).Single().ECDsa.ExportSubjectPublicKeyInfo();
        var forged = Resign(genuine, new SigningCredentials(new SymmetricSecurityKey(publicKey) { KeyId = genuine.Kid }, SecurityAlgorithms.HmacSha256));

        await AssertRejectedAsync(database, forged);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Validate_TamperedPayload_Rejected(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, token) = await IssueClientTokenAsync(database);
        var parts = token.Token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
        payload[PilotdeckClaims.Tenant] = "beta";
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";

        await AssertRejectedAsync(database, tampered);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Validate_ExpiredToken_Rejected(DatabaseProvider provider)
    {
        // Validation reads the system clock, so the token is issued in the past instead.
        await using var database = await TestDatabase.CreateAsync(provider, clockStart: DateTimeOffset.UtcNow.AddMinutes(-11));
        var (_, token) = await IssueClientTokenAsync(database);

        var result = await ValidateAsync(database, token.Token);
        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(result.Exception);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Validate_WrongIssuerOrAudience_Rejected(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, token) = await IssueClientTokenAsync(database);
        var genuine = new JsonWebToken(token.Token);
        await using var scope = database.UnboundScope();
        var credentials = await scope.Get<SigningKeyStore>().GetSigningCredentialsAsync();

        var wrongIssuer = Resign(genuine, credentials, issuer: "https://evil.example");
        var wrongAudience = Resign(genuine, credentials, audience: "another-api");

        Assert.True((await ValidateAsync(database, Resign(genuine, credentials))).IsValid);
        Assert.IsType<SecurityTokenInvalidIssuerException>((await ValidateAsync(database, wrongIssuer)).Exception);
        Assert.IsType<SecurityTokenInvalidAudienceException>((await ValidateAsync(database, wrongAudience)).Exception);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Jwks_AfterFirstToken_PublishesPublicKeyThatValidatesIt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, token) = await IssueClientTokenAsync(database);
        await using var scope = database.UnboundScope();

        var json = await scope.Get<SigningKeyStore>().GetJwksJsonAsync();
        var jwks = new JsonWebKeySet(json);

        var key = Assert.Single(jwks.Keys);
        Assert.Equal(new JsonWebToken(token.Token).Kid, key.Kid);
        Assert.Equal("EC", key.Kty);
        Assert.Equal("ES256", key.Alg);
        Assert.False(key.HasPrivateKey);
        Assert.DoesNotContain("\"d\"", json);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token.Token, new TokenValidationParameters
        {
            ValidIssuer = "pilotdeck",
            ValidAudience = "pilotdeck-api",
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SigningKey_FirstUse_PersistedAndReusedAcrossRestarts(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, first) = await IssueClientTokenAsync(database);
        var (_, second) = await IssueClientTokenAsync(database);

        await using var scope = database.UnboundScope();
        Assert.Equal(1, await scope.Db().SigningKeys.CountAsync());
        Assert.Equal(new JsonWebToken(first.Token).Kid, new JsonWebToken(second.Token).Kid);

        // A second host over the same database: nothing is held in memory between them.
        await using var restarted = database.BuildSiblingServices();
        await using var restartedScope = restarted.CreateAsyncScope();
        Assert.True((await restartedScope.Get<TokenService>().ValidateAsync(first.Token)).IsValid);
    }

    internal static async Task<(IssuedClientSecret Client, AccessToken Token)> IssueClientTokenAsync(TestDatabase database)
    {
        await using (var setup = database.UnboundScope())
        {
            if (!await setup.Db().Tenants.AnyAsync(t => t.Id == "alpha"))
            {
                await database.AddTenantsAsync("alpha");
            }
        }
        IssuedClientSecret issued;
        await using (var scope = database.TenantScope("alpha"))
        {
            issued = await scope.Get<ApiClients>().CreateAsync("etl", ["cohorts.read"]);
        }

        // The token endpoint: no tenant yet, the client credentials decide it.
        await using var endpoint = database.UnboundScope();
        var authenticated = await endpoint.Get<ApiClients>().AuthenticateAsync(issued.Client.ClientId, issued.Secret);
        return (issued, await endpoint.Get<TokenService>().IssueForClientAsync(authenticated.Client!));
    }

    private static string Resign(JsonWebToken genuine, SigningCredentials credentials, string issuer = "pilotdeck", string audience = "pilotdeck-api")
    {
        var claims = genuine.Claims
            .Where(c => c.Type is not ("iss" or "aud" or "exp" or "iat" or "nbf"))
            .ToDictionary(c => c.Type, object (c) => c.Value);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Expires = genuine.ValidTo,
            IssuedAt = genuine.IssuedAt,
            NotBefore = genuine.ValidFrom,
            Claims = claims,
            TokenType = TokenService.AccessTokenType,
            SigningCredentials = credentials,
        });
    }

    private static async Task<TokenValidationResult> ValidateAsync(TestDatabase database, string token)
    {
        await using var scope = database.UnboundScope();
        return await scope.Get<TokenService>().ValidateAsync(token);
    }

    private static async Task AssertRejectedAsync(TestDatabase database, string token)
    {
        var result = await ValidateAsync(database, token);
        Assert.False(result.IsValid);
        Assert.NotNull(result.Exception);
    }
}
