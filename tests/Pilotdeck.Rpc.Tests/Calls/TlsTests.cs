using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pilotdeck.Rpc.Server;
using Pilotdeck.Rpc.Tests.Probe;

namespace Pilotdeck.Rpc.Tests.Calls;

/// <summary>
/// With a certificate the endpoint negotiates h2 by ALPN, and still speaks HTTP/1.1 so that such
/// clients get a clear 426 instead of a failed handshake.
/// </summary>
public sealed class TlsTests : IAsyncLifetime
{
    private readonly X509Certificate2 _certificate = CreateSelfSigned();
    private WebApplication? _app;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = HttpProtocols.Http1AndHttp2;
            l.UseHttps(_certificate);
        }));
        builder.Services.AddSingleton<ProbeObservations>();
        builder.Services.AddGrpc();
        _app = builder.Build();
        _app.MapGrpcService<ProbeServiceImpl>();
        await _app.StartAsync();
        _address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    private SocketsHttpHandler TrustingHandler() => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == _certificate.GetCertHashString() },
    };

    [Fact]
    public async Task Unary_OverTls_NegotiatesHttp2AndSucceeds()
    {
        using var handler = TrustingHandler();
        using var channel = GrpcChannel.ForAddress(_address, new GrpcChannelOptions { HttpHandler = handler });
        Assert.Equal(Uri.UriSchemeHttps, _address.Scheme);

        var response = await new ProbeService.ProbeServiceClient(channel).UnaryAsync(new ProbeRequest { Text = "over tls" });

        Assert.Equal("over tls", response.Text);
    }

    [Fact]
    public async Task Http11OverTls_Is426()
    {
        using var http = new HttpClient(TrustingHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_address, "/pilotdeck.rpctest.v1.ProbeService/Unary"))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    private static X509Certificate2 CreateSelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Round-trip through PKCS#12 so the private key is usable by SslStream on Linux.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _certificate.Dispose();
    }
}
