using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>The real host on loopback over SQLite, shared by a test class.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    public PilotdeckTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await PilotdeckTestHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
