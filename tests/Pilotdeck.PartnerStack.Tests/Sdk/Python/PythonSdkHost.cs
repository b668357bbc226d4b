using Pilotdeck.Data;
using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Sdk.Python;

/// <summary>
/// The partner host with access tokens that expire within seconds and no clock skew allowed, so
/// the SDK's renewal is exercised in every scenario and an expired token is really refused.
/// </summary>
public class PythonSdkHost : PartnerHost
{
    public const int TokenLifetimeSeconds = 5;

    protected override IEnumerable<string> Settings =>
        [$"Pilotdeck:Tokens:AccessTokenLifetime=00:00:{TokenLifetimeSeconds:00}", "Pilotdeck:Tokens:ClockSkew=00:00:00"];
}

/// <summary>The same over PostgreSQL, the second provider.</summary>
public sealed class PostgresPythonSdkHost : PythonSdkHost
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
