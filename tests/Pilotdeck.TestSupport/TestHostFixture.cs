using Xunit;

namespace Pilotdeck.TestSupport;

/// <summary>The real host (<see cref="PilotdeckTestHost"/>) with default settings over SQLite, shared by a test class.</summary>
public sealed class TestHostFixture : IAsyncLifetime
{
    public PilotdeckTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await PilotdeckTestHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
