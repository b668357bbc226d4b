using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.System.V1;
using Pilotdeck.Server.Hosting;

namespace Pilotdeck.Server.Tests.Hosting;

/// <summary>
/// The real host with <c>Pilotdeck:Tls:CertificatePath</c>: the gRPC endpoint negotiates h2 by
/// ALPN, and a client that only speaks HTTP/1.1 gets a clear answer instead of a broken handshake.
/// </summary>
public sealed class TlsTests
{
    [Fact]
    public async Task GrpcUrlHttps_WithCertificate_ServesGrpcOverH2AndRefusesHttp11()
    {
        var dataDirectory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pilotdeck-tls-" + Guid.NewGuid().ToString("N"))).FullName;
        var certificatePath = Path.Combine(dataDirectory, "server.pfx");
        using var certificate = SelfSigned();
        await File.WriteAllBytesAsync(certificatePath, certificate.Export(X509ContentType.Pkcs12, "test-password"));
        await using var host = await PilotdeckHost.BuildAsync(
        [
            "--Pilotdeck:GrpcUrl=https://127.0.0.1:0",
            "--Pilotdeck:RestUrl=",
            "--Pilotdeck:PortalUrl=",
            $"--Pilotdeck:Database:DataDirectory={dataDirectory}",
            $"--Pilotdeck:Tls:CertificatePath={certificatePath}",
            "--Pilotdeck:Tls:CertificatePassword=test-password",
            "--Serilog:MinimumLevel=Warning",
        ]);
        await host.StartAsync();
        var address = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var trustThisCertificate = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString() },
        };

        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = trustThisCertificate });
        var info = await new SystemService.SystemServiceClient(channel).GetServerInfoAsync(new GetServerInfoRequest());
        using var http11 = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
        using var refused = await http11.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/pilotdeck.system.v1.SystemService/GetServerInfo"))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(new byte[5]) { Headers = { ContentType = new("application/grpc") } },
        });

        Assert.Equal("https", address.Scheme);
        Assert.NotEmpty(info.Services);
        Assert.Equal(HttpVersion.Version11, refused.Version);
        Assert.Equal(HttpStatusCode.UpgradeRequired, refused.StatusCode);
    }

    [Fact]
    public async Task PortalUrlHttps_SignInPage_SendsHstsAndMarksEveryCookieSecure()
    {
        var dataDirectory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pilotdeck-tls-" + Guid.NewGuid().ToString("N"))).FullName;
        var certificatePath = Path.Combine(dataDirectory, "server.pfx");
        using var certificate = SelfSigned();
        await File.WriteAllBytesAsync(certificatePath, certificate.Export(X509ContentType.Pkcs12, "test-password"));
        await using var host = await PilotdeckHost.BuildAsync(
        [
            "--Pilotdeck:GrpcUrl=http://127.0.0.1:0",
            "--Pilotdeck:RestUrl=",
            "--Pilotdeck:PortalUrl=https://127.0.0.1:0",
            $"--Pilotdeck:Database:DataDirectory={dataDirectory}",
            $"--Pilotdeck:Tls:CertificatePath={certificatePath}",
            "--Pilotdeck:Tls:CertificatePassword=test-password",
            "--Serilog:MinimumLevel=Warning",
        ]);
        await host.StartAsync();
        var portal = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single(a => a.StartsWith("https", StringComparison.Ordinal)));
        using var browser = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString() },
        });

        using var signIn = await browser.GetAsync(new Uri(portal, "/signin"));

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.StartsWith("max-age=", Assert.Single(signIn.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        var cookies = signIn.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith("pilotdeck.portal.antiforgery=", StringComparison.Ordinal));
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
