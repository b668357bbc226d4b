using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal;

/// <summary>
/// What a host adds to serve the portal: <c>services.AddPilotdeckPortal(configuration)</c> and
/// <c>app.MapPilotdeckPortal()</c>. Browsers need HTTP/1.1 or TLS, so the host serves it on an
/// endpoint of its own (<c>Pilotdeck:PortalUrl</c>), not on the h2c-only gRPC one.
/// </summary>
public static class PortalRegistration
{
    public const string AssetsPath = "/portal/assets";

    /// <summary>Where the host re-executes a browser's bodiless error response; <c>{0}</c> is the status code.</summary>
    public const string StatusPagePath = "/status/{0}";

    public static IServiceCollection AddPilotdeckPortal(this IServiceCollection services, IConfiguration configuration)
    {
        var options = PortalOptions.From(configuration);
        services.AddSingleton(options);
        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);
        // The host chooses where keys live (the server persists them); this only makes sure there is a provider.
        services.AddDataProtection();
        services.AddSingleton<PortalClientFactory>();
        services.AddSingleton<ScopeCatalog>();
        services.AddScoped<PortalSession>();
        services.AddScoped<LayoutState>();

        services.AddAuthentication()
            .AddCookie(PortalAuthentication.Scheme, cookie =>
            {
                cookie.Cookie.Name = PortalAuthentication.CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.LoginPath = "/signin";
                cookie.LogoutPath = "/signout";
                cookie.AccessDeniedPath = "/signin";
                cookie.ReturnUrlParameter = "returnUrl";
                // A fixed session length: sliding would outlive the refresh token the cookie carries.
                cookie.ExpireTimeSpan = options.SessionLifetime;
                cookie.SlidingExpiration = false;
            });
        services.AddAuthorization(authorization => authorization.AddPolicy(PortalAuthentication.Policy, policy => policy
            .AddAuthenticationSchemes(PortalAuthentication.Scheme)
            .RequireAuthenticatedUser()));
        // Secure whenever the page came over TLS, like the sign-in cookie.
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "pilotdeck.portal.antiforgery";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(tempData =>
        {
            tempData.Cookie.Name = "pilotdeck.portal.tempdata";
            tempData.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        var portalAssembly = typeof(PortalRegistration).Assembly;
        services.AddRazorPages(pages =>
            {
                pages.Conventions.AuthorizeFolder("/", PortalAuthentication.Policy);
                pages.Conventions.AllowAnonymousToFolder("/SignIn");
                pages.Conventions.AllowAnonymousToFolder("/SignOut");
                pages.Conventions.AllowAnonymousToFolder("/Status");
            })
            .AddMvcOptions(mvc => mvc.Filters.Add<PortalPageFilter>())
            .ConfigureApplicationPartManager(parts =>
            {
                // The host's entry assembly lists the portal as a part only when it references it
                // directly and is the entry point; test hosts and tools are neither, so add it here.
                if (!parts.ApplicationParts.OfType<AssemblyPart>().Any(p => p.Assembly == portalAssembly))
                {
                    foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(portalAssembly).GetApplicationParts(portalAssembly))
                    {
                        parts.ApplicationParts.Add(part);
                    }
                }
            });
        return services;
    }

    public static IEndpointRouteBuilder MapPilotdeckPortal(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRazorPages();
        endpoints.MapGet(AssetsPath + "/{name}", (string name, HttpContext http) => PortalAssets.Serve(name, http))
            .AllowAnonymous()
            .WithDisplayName("Portal asset");
        return endpoints;
    }
}
