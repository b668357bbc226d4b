using Pilotdeck.TestSupport;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Grpc.Core;

namespace Pilotdeck.Client.Tests;

public sealed class ErrorHelperTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private PilotdeckClient Client() => PilotdeckClient.Create(new PilotdeckClientOptions
    {
        ServerUrl = fixture.Host.Address,
        Credentials = PilotdeckCredentials.ClientCredentials(fixture.Host.ClientId, fixture.Host.ClientSecret),
    });

    [Fact]
    public async Task FieldViolationsOf_InvalidCreate_ListsEachField()
    {
        using var client = Client();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.Identity.CreateMemberAsync(new CreateMemberRequest { Email = "", Role = TenantRole.Unspecified }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("FIELD_INVALID", PilotdeckErrors.ReasonOf(error));
        Assert.Equal(["email", "role"], PilotdeckErrors.FieldViolationsOf(error).Select(v => v.Field));
        Assert.Equal("email,role", PilotdeckErrors.MetadataOf(error)["fields"]);
    }

    [Fact]
    public async Task MetadataOf_NotFound_CarriesTheId()
    {
        using var client = Client();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.Identity.GetMemberAsync(new GetMemberRequest { UserId = "nobody" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("MEMBER_NOT_FOUND", PilotdeckErrors.ReasonOf(error));
        Assert.Equal("nobody", PilotdeckErrors.MetadataOf(error)["id"]);
    }

    [Fact]
    public void ReasonOf_ErrorWithoutDetails_IsNull()
    {
        var error = new RpcException(new Status(StatusCode.Unavailable, "connection refused"));

        Assert.Null(PilotdeckErrors.ReasonOf(error));
        Assert.Empty(PilotdeckErrors.MetadataOf(error));
        Assert.Empty(PilotdeckErrors.FieldViolationsOf(error));
    }
}
