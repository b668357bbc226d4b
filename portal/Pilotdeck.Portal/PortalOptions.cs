using Microsoft.Extensions.Configuration;

namespace Pilotdeck.Portal;

/// <summary>How the portal reaches the API and how long a sign-in lasts.</summary>
public sealed class PortalOptions
{
    public const string ApiUrlKey = "Pilotdeck:ApiUrl";
    public const string GrpcUrlKey = "Pilotdeck:GrpcUrl";
    public const string Section = "Pilotdeck:Portal";
    public const string DefaultApiUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// The API the portal calls through the SDK: <c>Pilotdeck:ApiUrl</c>, else the host's own
    /// <c>Pilotdeck:GrpcUrl</c>, else http://127.0.0.1:5080. A port of 0 means "the API endpoint
    /// of this same host", resolved once it is listening.
    /// </summary>
    public Uri ApiUrl { get; set; } = new(DefaultApiUrl);

    /// <summary>Defaults to 8 hours; after that the user signs in again even if the refresh token still works.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Defaults to 25 rows per page on the admin lists.</summary>
    public int PageSize { get; set; } = 25;

    /// <summary>Defaults to 15 seconds per API call made while rendering a page.</summary>
    public TimeSpan ApiDeadline { get; set; } = TimeSpan.FromSeconds(15);

    internal static PortalOptions From(IConfiguration configuration)
    {
        var options = new PortalOptions();
        configuration.GetSection(Section).Bind(options);
        var url = configuration[ApiUrlKey];
        if (string.IsNullOrWhiteSpace(url))
        {
            url = configuration[GrpcUrlKey];
        }

        options.ApiUrl = new Uri(string.IsNullOrWhiteSpace(url) ? DefaultApiUrl : url);
        return options;
    }
}
