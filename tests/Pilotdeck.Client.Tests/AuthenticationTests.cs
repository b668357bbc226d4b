using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.System.V1;
using Grpc.Core;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Client.Tests;

public sealed class AuthenticationTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private PilotdeckClient Client(PilotdeckCredentials? credentials) =>
        PilotdeckClient.Create(new PilotdeckClientOptions { ServerUrl = fixture.Host.Address, Credentials = credentials });

    [Fact]
    public async Task ClientCredentials_FirstCall_AuthenticatesAsTheApiClient()
    {
        using var client = Client(PilotdeckCredentials.ClientCredentials(fixture.Host.ClientId, fixture.Host.ClientSecret));

        var caller = await client.Identity.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.True(caller.IsApiClient);
        Assert.Equal(fixture.Host.ClientId, caller.Subject);
        Assert.Equal("demo", caller.TenantId);
        Assert.Contains("identity.admin", caller.Scopes);
    }

    [Fact]
    public async Task ClientCredentials_RequestedScopes_LimitTheToken()
    {
        using var client = Client(PilotdeckCredentials.ClientCredentials(fixture.Host.ClientId, fixture.Host.ClientSecret, ["identity.read"]));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.Identity.ListApiClientsAsync(new ListApiClientsRequest()));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("SCOPE_MISSING", PilotdeckErrors.ReasonOf(error));
        Assert.Equal("identity.admin", PilotdeckErrors.MetadataOf(error)["required_scopes"]);
    }

    [Fact]
    public async Task Password_FirstCall_AuthenticatesAsTheUserAndKeepsARefreshToken()
    {
        using var client = Client(PilotdeckCredentials.Password(PilotdeckTestHost.OwnerEmail, PilotdeckTestHost.OwnerPassword, "demo"));
        var obtained = new List<TokenSet>();
        client.TokensRefreshed += obtained.Add;

        var caller = await client.Identity.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var tokens = await client.GetTokensAsync();

        Assert.False(caller.IsApiClient);
        Assert.Equal(PilotdeckTestHost.OwnerEmail, caller.Email);
        Assert.Equal(TenantRole.Owner, caller.Role);
        Assert.NotNull(tokens.RefreshToken);
        Assert.InRange(tokens.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        // The first grant is reported too, so an app can persist what it signed in with.
        Assert.Equal(tokens, Assert.Single(obtained));
    }

    [Fact]
    public async Task Password_ConcurrentFirstCalls_SignInOnce()
    {
        using var client = Client(PilotdeckCredentials.Password(PilotdeckTestHost.OwnerEmail, PilotdeckTestHost.OwnerPassword));
        var grants = 0;
        client.TokensRefreshed += _ => Interlocked.Increment(ref grants);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ => await client.Identity.ListMyTenantsAsync(new ListMyTenantsRequest())));

        Assert.Equal(1, grants);
    }

    [Fact]
    public async Task Tokens_RefreshTokenOnly_RefreshesBeforeTheFirstCall()
    {
        using var signIn = Client(PilotdeckCredentials.Password(PilotdeckTestHost.OwnerEmail, PilotdeckTestHost.OwnerPassword));
        var first = await signIn.GetTokensAsync();
        using var client = Client(PilotdeckCredentials.Tokens("", first.RefreshToken));
        TokenSet? refreshed = null;
        client.TokensRefreshed += t => refreshed = t;

        var caller = await client.Identity.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(PilotdeckTestHost.OwnerEmail, caller.Email);
        Assert.NotNull(refreshed);
        // Refresh tokens rotate: the old one is spent, the event carries the one to keep.
        Assert.NotEqual(first.RefreshToken, refreshed.RefreshToken);
    }

    [Fact]
    public async Task SignOut_RevokesTheRefreshToken_AndStopsTheClient()
    {
        using var client = Client(PilotdeckCredentials.Password(PilotdeckTestHost.OwnerEmail, PilotdeckTestHost.OwnerPassword));
        var tokens = await client.GetTokensAsync();

        await client.SignOutAsync();

        // The server no longer honours the refresh token, whoever presents it.
        using var other = Client(PilotdeckCredentials.Tokens("", tokens.RefreshToken));
        var refused = await Assert.ThrowsAsync<PilotdeckAuthException>(() => other.GetTokensAsync());
        Assert.Equal("invalid_grant", refused.Error);
        // And this client does not quietly sign in again with the password it was given.
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetTokensAsync());
        var call = await Assert.ThrowsAsync<RpcException>(async () => await client.Identity.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.IsType<InvalidOperationException>(call.Status.DebugException);
        await client.SignOutAsync();
    }

    [Fact]
    public async Task ClientCredentials_WrongSecret_ThrowsInvalidClient()
    {
        using var client = Client(PilotdeckCredentials.ClientCredentials(fixture.Host.ClientId, "pds_wrong"));

        var direct = await Assert.ThrowsAsync<PilotdeckAuthException>(() => client.GetTokensAsync());
        var viaCall = await Assert.ThrowsAsync<RpcException>(async () => await client.Identity.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("invalid_client", direct.Error);
        Assert.Equal(StatusCode.Unauthenticated, viaCall.StatusCode);
        Assert.Equal("invalid_client", Assert.IsType<PilotdeckAuthException>(viaCall.Status.DebugException).Error);
        Assert.False(string.IsNullOrEmpty(direct.Description));
    }

    [Fact]
    public async Task Password_WrongPassword_ThrowsInvalidGrant()
    {
        using var client = Client(PilotdeckCredentials.Password(PilotdeckTestHost.OwnerEmail, "not-the-password"));

        var error = await Assert.ThrowsAsync<PilotdeckAuthException>(() => client.GetTokensAsync());

        Assert.Equal("invalid_grant", error.Error);
        Assert.Equal("Wrong email or password. After repeated failures an account is locked for a few minutes.", error.Description);
    }

    [Fact]
    public async Task Anonymous_ProtectedMethod_FailsWithTokenMissing()
    {
        using var client = Client(null);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.Identity.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("TOKEN_MISSING", PilotdeckErrors.ReasonOf(error));
        Assert.Empty(PilotdeckErrors.FieldViolationsOf(error));
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetTokensAsync());
    }

    [Fact]
    public async Task System_GetServerInfo_ReportsTheServerVersion()
    {
        using var client = Client(PilotdeckCredentials.ClientCredentials(fixture.Host.ClientId, fixture.Host.ClientSecret));

        var info = await client.System.GetServerInfoAsync(new GetServerInfoRequest());

        Assert.Contains(info.Services, s => s.ServiceName == IdentityService.Descriptor.FullName);
    }

    [Fact]
    public async Task CreateClient_GeneratedClientType_CallsThroughTheInterceptors()
    {
        using var client = Client(PilotdeckCredentials.ClientCredentials(fixture.Host.ClientId, fixture.Host.ClientSecret));

        var identity = client.CreateClient<IdentityService.IdentityServiceClient>();
        var caller = await identity.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(fixture.Host.ClientId, caller.Subject);
    }
}
