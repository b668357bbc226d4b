using Pilotdeck.TestSupport;

namespace Pilotdeck.Client.Tests;

/// <summary>
/// The real host issuing 4-second access tokens with no clock skew allowance, so expiry and
/// renewal happen within a test. The client renews half-way through a lifetime this short.
/// </summary>
public sealed class ShortTokenHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(4);

    public PilotdeckTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await PilotdeckTestHost.StartAsync(
    [
        "Pilotdeck:Tokens:AccessTokenLifetime=00:00:04",
        "Pilotdeck:Tokens:ClockSkew=00:00:00",
    ]);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
