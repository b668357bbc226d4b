using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Pilotdeck.Server.Hosting;

/// <summary>Where the host listens and over what, from configuration.</summary>
public static class EndpointConfiguration
{
    public const string GrpcUrlKey = "Pilotdeck:GrpcUrl";
    public const string DefaultGrpcUrl = "http://127.0.0.1:5080";
    public const string RestUrlKey = "Pilotdeck:RestUrl";
    public const string DefaultRestUrl = "http://127.0.0.1:5082";
    public const string PortalUrlKey = "Pilotdeck:PortalUrl";
    public const string DefaultPortalUrl = "http://127.0.0.1:5081";

    /// <summary>An empty <c>Pilotdeck:GrpcUrl</c> runs the portal alone, against <c>Pilotdeck:ApiUrl</c>.</summary>
    public static bool HostsApi(IConfiguration configuration) => configuration[GrpcUrlKey] is not "";

    /// <summary>
    /// The API's HTTP/1.1 endpoint, for curl, httpie and browsers (JSON routes, gRPC-Web, the OpenAPI
    /// document). Kestrel cannot tell HTTP/1.1 from h2c prior knowledge on one cleartext port, so the
    /// h2c gRPC port cannot serve plain HTTP/1.1 clients. Empty turns it off.
    /// </summary>
    public static bool HostsRest(IConfiguration configuration) => HostsApi(configuration) && configuration[RestUrlKey] is not "";

    /// <summary>An empty <c>Pilotdeck:PortalUrl</c> runs the API alone, e.g. on a node behind a load balancer.</summary>
    public static bool HostsPortal(IConfiguration configuration) => configuration[PortalUrlKey] is not "";

    public static WebApplicationBuilder AddPilotdeckEndpoints(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (!HostsApi(configuration) && !HostsPortal(configuration))
        {
            throw new InvalidOperationException($"Both {GrpcUrlKey} and {PortalUrlKey} are empty: nothing to serve.");
        }

        builder.WebHost.UseKestrel(kestrel =>
        {
            if (HostsApi(configuration))
            {
                // Plain http means h2c with prior knowledge, so HTTP/2 only; over TLS, ALPN picks h2 and
                // HTTP/1.1 clients still connect and get a clear 426.
                var grpcUrl = new Uri(configuration[GrpcUrlKey] ?? DefaultGrpcUrl);
                kestrel.Listen(ToEndPoint(grpcUrl), listen => Configure(listen, grpcUrl, HttpProtocols.Http2, configuration));
            }

            if (HostsRest(configuration))
            {
                var restUrl = new Uri(configuration[RestUrlKey] ?? DefaultRestUrl);
                kestrel.Listen(ToEndPoint(restUrl), listen => Configure(listen, restUrl, HttpProtocols.Http1, configuration));
            }

            if (HostsPortal(configuration))
            {
                // Browsers cannot speak h2c, so the portal gets an endpoint of its own: HTTP/1.1, or h2 over TLS.
                var portalUrl = new Uri(configuration[PortalUrlKey] ?? DefaultPortalUrl);
                kestrel.Listen(ToEndPoint(portalUrl), listen => Configure(listen, portalUrl, HttpProtocols.Http1, configuration));
            }
        });
        return builder;
    }

    private static void Configure(ListenOptions listen, Uri url, HttpProtocols plainProtocols, IConfiguration configuration)
    {
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            listen.Protocols = plainProtocols;
            return;
        }

        var certificatePath = configuration["Pilotdeck:Tls:CertificatePath"];
        if (string.IsNullOrEmpty(certificatePath))
        {
            throw new InvalidOperationException($"{url} is https but Pilotdeck:Tls:CertificatePath is not set.");
        }

        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.UseHttps(X509CertificateLoader.LoadPkcs12FromFile(certificatePath, configuration["Pilotdeck:Tls:CertificatePassword"]));
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
    /// Kestrel reports them in the order the endpoints were configured: gRPC, HTTP/JSON, portal.
    /// </summary>
    public static void ReportListeningAddresses(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            string[] roles =
            [
                .. HostsApi(app.Configuration) ? ["gRPC API"] : Array.Empty<string>(),
                .. HostsRest(app.Configuration) ? ["HTTP/JSON API (HTTP/1.1)"] : Array.Empty<string>(),
                .. HostsPortal(app.Configuration) ? ["Portal"] : Array.Empty<string>(),
            ];
            for (var i = 0; i < addresses.Count; i++)
            {
                Console.WriteLine($"Pilotdeck {(i < roles.Length ? roles[i] : "endpoint")} listening on {addresses[i]}");
            }
        });
    }
}
