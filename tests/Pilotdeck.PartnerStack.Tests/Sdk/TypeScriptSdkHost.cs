using Pilotdeck.PartnerStack.Tests.Hosting;
using Pilotdeck.TestSupport;

namespace Pilotdeck.PartnerStack.Tests.Sdk;

/// <summary>
/// The partner host with access tokens shortened to <see cref="TokenLifetime"/> and no clock-skew
/// allowance, so the TypeScript SDK's renewal and the server's TOKEN_EXPIRED happen within a test.
/// </summary>
public sealed class TypeScriptSdkHost : PartnerHost
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(5);

    protected override IEnumerable<string> Settings =>
    [
        $"Pilotdeck:Tokens:AccessTokenLifetime={TokenLifetime:c}",
        "Pilotdeck:Tokens:ClockSkew=00:00:00",
    ];

    /// <summary>The environment test/support.mjs reads: server, partner API client, fixtures, token lifetime.</summary>
    public IReadOnlyDictionary<string, string> SdkEnvironment => new Dictionary<string, string>
    {
        ["PILOTDECK_SERVER_URL"] = BaseUrl,
        ["PILOTDECK_REST_URL"] = Host.RestAddress.ToString().TrimEnd('/'),
        ["PILOTDECK_CLIENT_ID"] = ClientId,
        ["PILOTDECK_CLIENT_SECRET"] = ClientSecret,
        ["PILOTDECK_TENANT_ID"] = TenantId,
        ["PILOTDECK_MANIFEST"] = PeerProcess.Manifest,
        ["PILOTDECK_TOKEN_LIFETIME_MS"] = ((int)TokenLifetime.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["PILOTDECK_OWNER_EMAIL"] = PilotdeckTestHost.OwnerEmail,
        ["PILOTDECK_OWNER_PASSWORD"] = PilotdeckTestHost.OwnerPassword,
    };
}
