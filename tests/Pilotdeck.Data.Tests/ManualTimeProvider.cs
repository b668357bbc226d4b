namespace Pilotdeck.Data.Tests;

/// <summary>A clock tests move by hand, starting at the real time so that JWT validation (which reads the system clock) agrees.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
