using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Client.Tests;

/// <summary>The real host with imports capped at <see cref="MaxUploadBytes"/>, so an upload can cross the cap.</summary>
public sealed class UploadLimitHostFixture : IAsyncLifetime
{
    public const int MaxUploadBytes = 3 * PilotdeckUploads.ChunkBytes;

    public PilotdeckTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await PilotdeckTestHost.StartAsync([$"Pilotdeck:Imports:MaxUploadBytes={MaxUploadBytes}"]);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>PilotdeckUploads: client-streamed uploads as one call, against the real host.</summary>
public sealed class UploadTests(UploadLimitHostFixture fixture) : IClassFixture<UploadLimitHostFixture>
{
    [Fact]
    public async Task UploadImportAsync_FileOfSeveralChunks_ArrivesWholeAndIsPlanned()
    {
        using var client = Owner();
        var csv = IdentitiesCsv(bytes: 2 * PilotdeckUploads.ChunkBytes + 12_345);
        using var file = new MemoryStream(csv);

        var import = await client.Imports.UploadImportAsync(new UploadImportMetadata { Kind = "identities", SourceFileName = "people.csv" }, file);

        Assert.Equal(csv.Length, import.SourceSize);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(csv)), import.SourceSha256);
        Assert.Equal("people.csv", import.SourceFileName);
    }

    [Fact]
    public async Task UploadImportAsync_ServerRefusesPartWay_ThrowsItsReasonNotCancelled()
    {
        using var client = Owner();
        using var file = new MemoryStream(IdentitiesCsv(bytes: 3 * UploadLimitHostFixture.MaxUploadBytes));

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            client.Imports.UploadImportAsync(new UploadImportMetadata { Kind = "identities", SourceFileName = "huge.csv" }, file));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("UPLOAD_TOO_LARGE", PilotdeckErrors.ReasonOf(refused));
        Assert.True(file.Position < file.Length, "the server's answer stopped the sending before the end of the file");
    }

    [Fact]
    public async Task AddPilotdeckClient_RegistersEveryClientPilotdeckClientHas()
    {
        var services = new ServiceCollection();
        services.AddPilotdeckClient(o => o.ServerUrl = fixture.Host.Address);
        await using var provider = services.BuildServiceProvider();

        var clientTypes = typeof(PilotdeckClient).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.PropertyType)
            .Where(t => t.IsSubclassOf(typeof(ClientBase)))
            .ToList();

        Assert.True(clientTypes.Count >= 15, $"PilotdeckClient has {clientTypes.Count} service clients");
        Assert.All(clientTypes, type => Assert.NotNull(provider.GetService(type)));
    }

    private PilotdeckClient Owner() => PilotdeckClient.Create(new PilotdeckClientOptions
    {
        ServerUrl = fixture.Host.Address,
        Credentials = PilotdeckCredentials.Password(PilotdeckTestHost.OwnerEmail, PilotdeckTestHost.OwnerPassword, fixture.Host.TenantId),
    });

    /// <summary>A SCIM-style CSV of about <paramref name="bytes"/> bytes: a header, then members with a padded column the importer ignores.</summary>
    private static byte[] IdentitiesCsv(int bytes)
    {
        var csv = new StringBuilder("userName,roles,note\n");
        var padding = new string('x', 900);
        for (var row = 0; csv.Length < bytes; row++)
        {
            csv.Append("upload-").Append(row).Append("@example.com,ANALYST,").Append(padding).Append('\n');
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }
}
