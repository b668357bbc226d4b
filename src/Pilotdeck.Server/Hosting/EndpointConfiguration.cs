using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Pilotdeck.Server.Hosting;

/// <summary>Where the host listens and over what, from configuration.</summary>
public static class EndpointConfiguration
{
    public const string GrpcUrlKey = "Pilotdeck:GrpcUrl";
    public const string DefaultGrpcUrl = "http://127.0.0.1:5080";
    public const string PortalUrlKey = "Pilotdeck:PortalUrl";
    public const string DefaultPortalUrl = "http://127.0.0.1:5081";

    /// <summary>
    /// gRPC on <c>Pilotdeck:GrpcUrl</c>: plain http means h2c with prior knowledge, so the endpoint
    /// speaks HTTP/2 only; https (with <c>Pilotdeck:Tls:CertificatePath</c>) negotiates h2 by ALPN
    /// and still accepts HTTP/1.1 so such clients get a clear 426 instead of a broken connection.
    /// </summary>
    public static WebApplicationBuilder AddPilotdeckEndpoints(this WebApplicationBuilder builder)
    {
        var grpcUrl = new Uri(builder.Configuration[GrpcUrlKey] ?? DefaultGrpcUrl);
        var certificatePath = builder.Configuration["Pilotdeck:Tls:CertificatePath"];
        var certificatePassword = builder.Configuration["Pilotdeck:Tls:CertificatePassword"];
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(ToEndPoint(grpcUrl), listen =>
            {
                if (grpcUrl.Scheme == Uri.UriSchemeHttps)
                {
                    if (string.IsNullOrEmpty(certificatePath))
                    {
                        throw new InvalidOperationException($"{GrpcUrlKey} is https but Pilotdeck:Tls:CertificatePath is not set.");
                    }

                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(X509CertificateLoader.LoadPkcs12FromFile(certificatePath, certificatePassword));
                }
                else
                {
                    listen.Protocols = HttpProtocols.Http2;
                }
            });

            // Browsers cannot speak h2c, so the portal gets an endpoint of its own; an empty value turns it off
            // (e.g. an API-only node behind a load balancer).
            var portalUrl = builder.Configuration[PortalUrlKey] ?? DefaultPortalUrl;
            if (portalUrl.Length > 0)
            {
                kestrel.Listen(ToEndPoint(new Uri(portalUrl)), listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
            }
        });
        return builder;
    }

    private static System.Net.IPEndPoint ToEndPoint(Uri url)
    {
        var host = url.Host is "localhost" ? "127.0.0.1" : url.Host;
        if (!System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            throw new InvalidOperationException($"{GrpcUrlKey} must name an IP address or localhost; got '{url.Host}'.");
        }

        return new System.Net.IPEndPoint(address, url.Port);
    }

    /// <summary>
    /// Prints the bound addresses once listening, so a port of 0 shows the port actually taken.
    /// Kestrel reports them in the order the endpoints were configured: gRPC first, then the portal.
    /// </summary>
    public static void ReportListeningAddresses(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            string[] roles = ["gRPC API", "Portal"];
            for (var i = 0; i < addresses.Count; i++)
            {
                Console.WriteLine($"Pilotdeck {(i < roles.Length ? roles[i] : "endpoint")} listening on {addresses[i]}");
            }
        });
    }
}
